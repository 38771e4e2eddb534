using OrleansSafety.Grains.Cases;

namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EvidenceTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    private async Task<string> RoomWithMessagesAsync(int count, string accusedAt50 = "accused")
    {
        var room = await _s.NewRoomAsync();
        for (var i = 1; i <= count; i++)
        {
            await _s.PostAsync(room, i == 50 ? accusedAt50 : $"chatter{i % 3}", $"line {i}");
        }
        return room;
    }

    [Fact]
    public async Task A_flagged_message_is_captured_with_25_messages_either_side()
    {
        var room = await RoomWithMessagesAsync(100);
        var evidence = await _s.Room(room).CaptureEvidenceAsync(50, null);
        Assert.Equal("accused", evidence.AccusedUserId);
        Assert.Equal(Enumerable.Range(25, 51).Select(i => (long)i), evidence.Evidence.Messages!.Select(m => m.Seq));
        Assert.Equal(50, evidence.Evidence.FlaggedSeq);
    }

    [Fact]
    public async Task The_window_stops_where_the_history_does()
    {
        var room = await RoomWithMessagesAsync(10);
        var evidence = await _s.Room(room).CaptureEvidenceAsync(3, null);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), evidence.Evidence.Messages!.Select(m => m.Seq));
    }

    [Fact]
    public async Task Without_a_message_the_last_50_are_captured()
    {
        var room = await RoomWithMessagesAsync(120);
        var evidence = await _s.Room(room).CaptureEvidenceAsync(null, "chatter1");
        Assert.Equal(Enumerable.Range(71, 50).Select(i => (long)i), evidence.Evidence.Messages!.Select(m => m.Seq));
        Assert.Equal("chatter1", evidence.AccusedUserId);
    }

    [Fact]
    public async Task Evidence_in_a_case_is_frozen_at_flag_time_and_its_hash_verifies()
    {
        var room = await RoomWithMessagesAsync(60);
        var receipt = await _s.FlagMessageAsync(Scenario.NewId("reporter"), room, 50);
        var caseId = await _s.CaseOfAsync(receipt.FlagId, room, "accused");
        var before = await _s.Case(caseId).GetDetailAsync();

        for (var i = 0; i < 30; i++)
        {
            await _s.PostAsync(room, "chatter1", "later chat that must not leak into the evidence");
        }
        var after = await _s.Case(caseId).GetDetailAsync();

        Assert.Equal(before.Evidence.Sha256, after.Evidence.Sha256);
        Assert.Equal(before.Evidence.Messages!.Select(m => m.Seq), after.Evidence.Messages!.Select(m => m.Seq));
        Assert.Equal(60, after.Evidence.Messages!.Max(m => m.Seq));
        Assert.True(EvidenceHasher.Verify(room, after.Evidence));
        var tampered = after.Evidence with { Messages = after.Evidence.Messages!.Select(m => m with { Text = "edited" }).ToList() };
        Assert.False(EvidenceHasher.Verify(room, tampered));
    }

    [Fact]
    public async Task Flagging_a_message_that_does_not_exist_is_a_validation_error()
    {
        var room = await RoomWithMessagesAsync(5);
        var error = await Assert.ThrowsAsync<ModerationException>(() => _s.FlagMessageAsync("reporter-x", room, 99));
        Assert.Equal(("target.messageSeq", ModerationError.Invalid), (error.Field, error.Error));
    }
}
