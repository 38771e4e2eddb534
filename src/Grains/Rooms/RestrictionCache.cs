namespace OrleansSafety.Grains.Rooms;

/// <summary>
/// A room's memory of which of its chatters may chat. Filled on a user's first message, refreshed after a TTL,
/// and overwritten at once when the user grain pushes a sanction change; so a busy room asks each user grain
/// about once per TTL instead of once per message.
/// </summary>
internal sealed class RestrictionCache(TimeSpan ttl, int maxEntries = 20_000)
{
    private readonly Dictionary<string, (ChatRestriction Restriction, DateTimeOffset FreshUntil)> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string userId, DateTimeOffset now, out ChatRestriction restriction)
    {
        if (_entries.TryGetValue(userId, out var entry) && entry.FreshUntil > now)
        {
            restriction = entry.Restriction;
            return true;
        }
        restriction = ChatRestriction.None;
        return false;
    }

    public void Set(string userId, ChatRestriction restriction, DateTimeOffset now)
    {
        if (_entries.Count >= maxEntries)
        {
            // Dropping entries is always safe: the next message asks the user grain again.
            foreach (var stale in _entries.Where(e => e.Value.FreshUntil <= now).Select(e => e.Key).ToList())
            {
                _entries.Remove(stale);
            }
            if (_entries.Count >= maxEntries)
            {
                _entries.Clear();
            }
        }
        _entries[userId] = (restriction, now + ttl);
    }
}
