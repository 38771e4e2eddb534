using System.Runtime.CompilerServices;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Grains.Tests;

public sealed class MessageWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_kept_message_reads_back_exactly_as_posted()
    {
        var window = new MessageWindow(10);
        var posted = new[]
        {
            new ChatMessage(1, "user-1", "héllo 👋 wörld\n\tsecond line", Start, "client-1"),
            new ChatMessage(2, "u", "x", Start.AddTicks(10), null),
            new ChatMessage(3, "user-3", new string('長', ChatText.MaxLength), Start.AddHours(1), "c"),
        };
        foreach (var message in posted)
        {
            window.Add(message);
        }
        Assert.Equal(posted, window.Before(null, 10));
        Assert.Equal(1, window.FirstSeq);
        Assert.Equal(3, window.LastSeq);
    }

    [Fact]
    public void The_window_keeps_the_newest_messages_whatever_their_lengths()
    {
        // Lengths from 1 to the maximum, in characters of 1 to 4 UTF-8 bytes, make the buffer wrap, compact and grow at
        // every turn; a list is the model.
        const int capacity = 50;
        var random = new Random(7);
        var window = new MessageWindow(capacity);
        var all = new List<ChatMessage>();
        for (var seq = 1; seq <= 3000; seq++)
        {
            var length = random.Next(4) == 0 ? random.Next(1, ChatText.MaxLength + 1) : random.Next(1, 80);
            var message = new ChatMessage(seq, $"user-{random.Next(100)}", TextOf(seq, length),
                Start.AddSeconds(seq), random.Next(3) == 0 ? null : $"client-{seq}");
            all.Add(message);
            window.Add(message);

            var kept = all.TakeLast(capacity).ToList();
            Assert.Equal(kept.Count, window.Count);
            Assert.Equal(kept, window.Before(null, capacity));
            var middle = kept[kept.Count / 2].Seq;
            Assert.Equal(kept.Where(m => m.Seq < middle).TakeLast(5), window.Before(middle, 5));
            Assert.Equal(kept.Where(m => m.Seq >= middle - 3 && m.Seq <= middle + 3), window.Range(middle - 3, middle + 3));
        }
    }

    /// <summary>A text of about <paramref name="length"/> characters, ASCII, CJK (3 bytes each) or emoji (surrogate pairs).</summary>
    private static string TextOf(int seq, int length) => (seq % 3) switch
    {
        0 => new string((char)('a' + (seq % 26)), length),
        1 => new string('長', length),
        _ => string.Concat(Enumerable.Repeat("👋", Math.Max(1, length / 2))),
    };

    [Fact]
    public void A_late_message_is_slotted_into_seq_order_once()
    {
        var window = new MessageWindow(4);
        foreach (var seq in new long[] { 1, 2, 4, 5 })
        {
            window.Add(new ChatMessage(seq, "user", $"message {seq}", Start));
        }
        window.Add(new ChatMessage(3, "user", "message 3", Start));
        window.Add(new ChatMessage(4, "user", "a different message 4", Start));

        Assert.Equal([2L, 3, 4, 5], window.Before(null, 10).Select(m => m.Seq));
        Assert.Equal("message 4", window.Range(4, 4).Single().Text);
    }

    [Fact]
    public void The_window_keeps_no_posted_object_alive()
    {
        // What the window keeps outlives the silo's young-generation collections: any object it held per message
        // would be copied by each of them (docs/BENCHMARKS.md, recommendation 13).
        var window = new MessageWindow(200);
        var posted = AddMessages(window, 300);

        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.DoesNotContain(posted, reference => reference.IsAlive);
        Assert.Equal(Enumerable.Range(101, 200).Select(seq => $"message {seq}"), window.Before(null, 200).Select(m => m.Text));
    }

    /// <summary>Adds messages and returns weak references to them and their strings, holding nothing else.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> AddMessages(MessageWindow window, int count)
    {
        var references = new List<WeakReference>();
        for (var seq = 1; seq <= count; seq++)
        {
            var message = new ChatMessage(seq, $"user-{seq % 40}", $"message {seq}", Start.AddMilliseconds(seq), $"client-{seq}");
            window.Add(message);
            references.AddRange([new(message), new(message.UserId), new(message.Text), new(message.ClientMessageId)]);
        }
        return references;
    }
}
