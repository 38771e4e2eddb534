using OrleansSafety.LoadTest.Options;
using OrleansSafety.LoadTest.Scenario;

namespace OrleansSafety.LoadTest.Tests;

public sealed class OptionsParserTests
{
    [Fact]
    public void Refuses_a_gateway_that_is_not_on_this_machine() =>
        Assert.Throws<ArgumentException>(() => OptionsParser.Parse(["--url", "http://10.0.0.5:5080"], _ => null));

    [Fact]
    public void Reads_values_and_lists()
    {
        var options = OptionsParser.Parse(["--rooms", "250", "--sweep-rooms", "100,10000", "--chat-share", "0.8", "--watch", "silo=12,gateway=34"], _ => null);

        Assert.Equal(250, options.Rooms);
        Assert.Equal([100, 10000], options.SweepRooms);
        Assert.Equal(0.8, options.ChatRateShare);
        Assert.Equal(34, options.WatchPids["gateway"]);
        Assert.StartsWith("lt42x", options.RunId, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixed_rate_warm_up_defaults_to_the_warm_up()
    {
        Assert.Null(OptionsParser.Parse(["--warmup", "5"], _ => null).RateWarmupSeconds);
        var options = OptionsParser.Parse(["--warmup", "5", "--rate-warmup", "20"], _ => null);

        Assert.Equal(5, options.WarmupSeconds);
        Assert.Equal(20, options.RateWarmupSeconds);
    }

    [Fact]
    public void The_storm_warms_up_only_when_asked()
    {
        Assert.Equal(0, OptionsParser.Parse(["--storm-cases", "1000"], _ => null).StormWarmupCases);
        Assert.Equal(500, OptionsParser.Parse(["--storm-cases", "1000", "--storm-warmup", "500"], _ => null).StormWarmupCases);
    }

    [Fact]
    public void The_schedule_depends_only_on_the_seed()
    {
        Assert.Equal(Hash.Of(7, 1, 12345), Hash.Of(7, 1, 12345));
        Assert.NotEqual(Hash.Of(7, 1, 12345), Hash.Of(8, 1, 12345));
        Assert.Equal(TextCorpus.Line(99), TextCorpus.Line(99));
    }
}
