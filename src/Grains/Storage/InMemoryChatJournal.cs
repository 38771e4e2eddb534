using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrleansSafety.Grains.Storage;

/// <summary>
/// The journal of the no-database mode: each room keeps its newest messages in process memory. Like the rest of
/// the in-memory mode it is lost with the process; PostgreSQL is the durable mode.
/// </summary>
public sealed class InMemoryChatJournal(IOptions<ModerationOptions> options) : IChatJournal
{
    private readonly ConcurrentDictionary<string, RoomLog> _rooms = new(StringComparer.Ordinal);
    private readonly int _capacity = Math.Max(options.Value.InMemoryJournalCapacity, options.Value.RoomHistoryCapacity);

    public ValueTask AppendAsync(string roomId, ChatMessage message)
    {
        _rooms.GetOrAdd(roomId, _ => new RoomLog(_capacity)).Append(message);
        return ValueTask.CompletedTask;
    }

    public Task<IReadOnlyList<ChatMessage>> ReadAsync(string roomId, long? beforeSeq, int limit) =>
        Task.FromResult(_rooms.TryGetValue(roomId, out var log) ? log.Before(beforeSeq, limit) : (IReadOnlyList<ChatMessage>)[]);

    public Task<IReadOnlyList<ChatMessage>> ReadRangeAsync(string roomId, long fromSeq, long toSeq) =>
        Task.FromResult(_rooms.TryGetValue(roomId, out var log) ? log.Range(fromSeq, toSeq) : (IReadOnlyList<ChatMessage>)[]);

    public Task<long> GetLastSeqAsync(string roomId) =>
        Task.FromResult(_rooms.TryGetValue(roomId, out var log) ? log.LastSeq : 0L);

    private sealed class RoomLog(int capacity)
    {
        private readonly MessageWindow _window = new(capacity);
        private readonly Lock _gate = new();

        public long LastSeq
        {
            get { lock (_gate) { return _window.LastSeq; } }
        }

        public void Append(ChatMessage message)
        {
            lock (_gate) { _window.Add(message); }
        }

        public IReadOnlyList<ChatMessage> Before(long? beforeSeq, int limit)
        {
            lock (_gate) { return _window.Before(beforeSeq, limit); }
        }

        public IReadOnlyList<ChatMessage> Range(long fromSeq, long toSeq)
        {
            lock (_gate) { return _window.Range(fromSeq, toSeq); }
        }
    }
}
