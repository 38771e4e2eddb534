using Microsoft.Extensions.Options;
using OrleansSafety.Grains.Audit;
using OrleansSafety.Grains.Cases;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Grains.Rooms;

public sealed class RoomGrain(
    [PersistentState("room", ModerationSiloExtensions.StorageName)] IPersistentState<RoomState> state,
    IChatJournal journal,
    IAuditLog audit,
    ModerationClock clock,
    IOptions<ModerationOptions> options) : Grain, IRoomGrain
{
    private const int BootLogCapacity = 500;

    private readonly ModerationOptions _options = options.Value;
    private readonly MessageWindow _history = new(options.Value.RoomHistoryCapacity);
    private readonly RestrictionCache _restrictions = new(options.Value.RestrictionCacheTtl);
    private readonly RecentPosts _recentPosts = new();
    private readonly Dictionary<string, Task<PostResult>> _postsInFlight = new(StringComparer.Ordinal);
    private long _lastSeq;

    // Orleans decodes the key into a new string on every call, and most of this grain's calls ask for it.
    private string? _roomId;

    private string RoomId => _roomId ??= this.GetPrimaryKeyString();

    private bool Exists => state.State.OwnerId is not null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The journal, not grain state, knows the room's chat: a room reactivated on another silo resumes its seq
        // and its recent history from there.
        _lastSeq = await journal.GetLastSeqAsync(RoomId);
        foreach (var message in await journal.ReadAsync(RoomId, null, _options.RoomHistoryCapacity))
        {
            _history.Add(message);
            if (message.ClientMessageId is { } clientId)
            {
                // A retry that arrives after a restart still finds its first acknowledgement.
                _recentPosts.Remember(clientId, message.Seq, message.SentAt);
            }
        }
    }

    public async Task<RoomView> ConfigureAsync(RoomSettings settings)
    {
        RequireId(settings.OwnerId, "ownerId");
        foreach (var moderator in settings.ModeratorIds)
        {
            RequireId(moderator, "moderatorIds");
        }
        state.State.OwnerId = settings.OwnerId;
        state.State.ModeratorIds = settings.ModeratorIds.Where(m => m != settings.OwnerId).Distinct(StringComparer.Ordinal).ToList();
        state.State.Name = settings.Name;
        await state.WriteStateAsync();
        return View();
    }

    public Task<RoomView?> GetAsync() => Task.FromResult(Exists ? View() : null);

    public async Task AddModeratorAsync(string actorId, string userId)
    {
        RequireOwner(actorId);
        RequireId(userId, "userId");
        if (userId != state.State.OwnerId && !state.State.ModeratorIds.Contains(userId))
        {
            state.State.ModeratorIds.Add(userId);
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveModeratorAsync(string actorId, string userId)
    {
        RequireOwner(actorId);
        if (state.State.ModeratorIds.Remove(userId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<PostResult> PostAsync(ChatPost post)
    {
        RequireExists();
        RequireId(post.UserId, "userId");
        if (!ChatText.IsValid(post.Text))
        {
            throw ModerationException.Invalid("text", "A message is 1–2000 characters without control characters other than newline and tab.");
        }
        if (post.ClientMessageId is not { } clientId)
        {
            return await AcceptAsync(post);
        }
        if (_recentPosts.TryGet(clientId, out var earlier))
        {
            return earlier;
        }
        if (_postsInFlight.TryGetValue(clientId, out var inFlight))
        {
            return await inFlight;
        }
        var posting = AcceptAsync(post);
        _postsInFlight[clientId] = posting;
        try
        {
            var result = await posting;
            if (result.Accepted)
            {
                _recentPosts.Remember(clientId, result.Seq, result.SentAt);
            }
            return result;
        }
        finally
        {
            _postsInFlight.Remove(clientId);
        }
    }

    private async Task<PostResult> AcceptAsync(ChatPost post)
    {
        var now = clock.Now;
        if (state.State.Boots.TryGetValue(post.UserId, out var boot) && boot.LiftedAt is null && boot.Until > now)
        {
            return PostResult.Refused(ChatRefusal.UserBooted, boot.Until);
        }
        var restriction = await RestrictionOfAsync(post.UserId, now);
        if (restriction.AppliesAt(clock.Now))
        {
            return PostResult.Refused(restriction.Kind!.Value, restriction.Until);
        }

        // Seq is taken before the durability wait: posts interleave there, so one room's messages share a batch.
        var message = new ChatMessage(++_lastSeq, post.UserId, post.Text, StoredPrecision(clock.Now), post.ClientMessageId);
        await journal.AppendAsync(RoomId, message);
        _history.Add(message);
        return new PostResult(message.Seq, message.SentAt);
    }

    /// <summary>Microseconds, as PostgreSQL keeps them: the time acknowledged is the time read back later.</summary>
    private static DateTimeOffset StoredPrecision(DateTimeOffset time) => new(time.Ticks - (time.Ticks % 10), time.Offset);

    private async ValueTask<ChatRestriction> RestrictionOfAsync(string userId, DateTimeOffset now)
    {
        if (_restrictions.TryGet(userId, now, out var cached))
        {
            return cached;
        }
        var fresh = await GrainFactory.Get<IUserGrain>(userId).GetChatRestrictionAsync(RoomId);
        _restrictions.Set(userId, fresh, now);
        return fresh;
    }

    public Task ApplyRestrictionAsync(string userId, ChatRestriction restriction)
    {
        _restrictions.Set(userId, restriction, clock.Now);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(long? beforeSeq, int limit)
    {
        RequireExists();
        if (limit is < 1 or > 200)
        {
            throw ModerationException.Invalid("limit", "limit must be between 1 and 200.");
        }
        var fromMemory = _history.Before(beforeSeq, limit);
        var memoryIsEnough = fromMemory.Count == limit || (_history.Count > 0 && _history.FirstSeq == 1) || _lastSeq == 0;
        return memoryIsEnough ? fromMemory : await journal.ReadAsync(RoomId, beforeSeq, limit);
    }

    public async Task<ChatEvidence> CaptureEvidenceAsync(long? messageSeq, string? accusedUserId)
    {
        if (!Exists)
        {
            throw ModerationException.Invalid("target.roomId", "No room with this id exists.");
        }
        var now = clock.Now;
        if (messageSeq is not { } seq)
        {
            if (accusedUserId is null)
            {
                throw ModerationException.Invalid("target.accusedUserId", "A chat flag needs messageSeq or accusedUserId to name who is accused.");
            }
            var latest = await GetMessagesOrEmptyAsync(_options.SnapshotLatest);
            return new ChatEvidence(EvidenceHasher.ForChat(RoomId, null, latest, now), accusedUserId);
        }

        var radius = _options.SnapshotRadius;
        var window = await ReadRangeAsync(Math.Max(1, seq - radius), seq + radius);
        var flagged = window.FirstOrDefault(m => m.Seq == seq)
            ?? throw ModerationException.Invalid("target.messageSeq", "This room has no message with that seq.");
        if (accusedUserId is not null && accusedUserId != flagged.UserId)
        {
            throw ModerationException.Invalid("target.accusedUserId", "The flagged message was written by another user.");
        }
        return new ChatEvidence(EvidenceHasher.ForChat(RoomId, seq, window, now), flagged.UserId);
    }

    private async Task<IReadOnlyList<ChatMessage>> GetMessagesOrEmptyAsync(int count) =>
        _lastSeq == 0 ? [] : await GetMessagesAsync(null, Math.Min(count, 200));

    private async Task<IReadOnlyList<ChatMessage>> ReadRangeAsync(long fromSeq, long toSeq)
    {
        var memoryCovers = _history.Count > 0 && (_history.Covers(fromSeq) || _history.FirstSeq == 1);
        return memoryCovers ? _history.Range(fromSeq, toSeq) : await journal.ReadRangeAsync(RoomId, fromSeq, toSeq);
    }

    public async Task<BootView> BootAsync(BootRequest request)
    {
        RequireExists();
        RequireId(request.UserId, "userId");
        if (request.ActorId != state.State.OwnerId && !state.State.ModeratorIds.Contains(request.ActorId))
        {
            throw ModerationException.Forbidden("Only the room's owner or a moderator can boot.");
        }
        if (request.UserId == state.State.OwnerId)
        {
            throw ModerationException.Forbidden("The room's owner cannot be booted.");
        }
        if (request.UserId == request.ActorId)
        {
            throw ModerationException.Invalid("userId", "You cannot boot yourself.");
        }
        var minutes = request.Minutes ?? _options.DefaultBootMinutes;
        if (minutes < 1 || minutes > _options.MaxBootMinutes)
        {
            throw ModerationException.Invalid("minutes", $"A boot lasts 1–{_options.MaxBootMinutes} minutes.");
        }
        var now = clock.Now;
        var boot = new BootView(Identifiers.NewId("boot"), RoomId, request.UserId, request.ActorId, now, now.AddMinutes(minutes), request.Reason);
        PruneEndedBoots(now);
        state.State.Boots[request.UserId] = boot;
        AppendToBootLog(boot);
        await state.WriteStateAsync();
        await audit.AppendAsync(AuditTrail.Entry(
            AuditActions.UserBooted, request.ActorId, now, entryId: $"audit_{boot.BootId}", userId: request.UserId, roomId: RoomId,
            details: new Dictionary<string, string> { [AuditDetailKeys.Until] = boot.Until.ToString("O") }));
        await GrainFactory.Get<IUserGrain>(request.UserId).RecordBootAsync(boot);
        return boot;
    }

    public async Task UnbootAsync(string actorId, string userId)
    {
        RequireOwner(actorId);
        var now = clock.Now;
        if (!state.State.Boots.Remove(userId, out var boot) || boot.Until <= now)
        {
            return; // nothing in force: unbooting is idempotent
        }
        var lifted = boot with { LiftedAt = now };
        AppendToBootLog(lifted);
        await state.WriteStateAsync();
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.UserUnbooted, actorId, now, userId: userId, roomId: RoomId));
        await GrainFactory.Get<IUserGrain>(userId).RecordBootAsync(lifted);
    }

    private void AppendToBootLog(BootView boot)
    {
        state.State.BootLog.Add(boot);
        if (state.State.BootLog.Count > BootLogCapacity)
        {
            state.State.BootLog.RemoveRange(0, state.State.BootLog.Count - BootLogCapacity);
        }
    }

    private void PruneEndedBoots(DateTimeOffset now)
    {
        foreach (var ended in state.State.Boots.Where(b => b.Value.Until <= now).Select(b => b.Key).ToList())
        {
            state.State.Boots.Remove(ended);
        }
    }

    private RoomView View()
    {
        var now = clock.Now;
        return new RoomView(
            RoomId,
            state.State.OwnerId!,
            state.State.ModeratorIds.ToList(),
            state.State.Name,
            _lastSeq,
            state.State.Boots.Values.Where(b => b.Until > now).ToList());
    }

    private void RequireExists()
    {
        if (!Exists)
        {
            throw ModerationException.NotFound($"Room '{RoomId}' does not exist; create it with PUT /rooms/{RoomId}.");
        }
    }

    private void RequireOwner(string actorId)
    {
        RequireExists();
        if (actorId != state.State.OwnerId)
        {
            throw ModerationException.Forbidden("Only the room's owner can do this.");
        }
    }

    private static void RequireId(string? id, string field)
    {
        if (!Identifiers.IsValid(id))
        {
            throw ModerationException.Invalid(field, "Ids are 1–64 characters from A–Z, a–z, 0–9 and . _ : -");
        }
    }
}
