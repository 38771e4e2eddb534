using System.Text.Json;

namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class AnonymityTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    [Fact]
    public async Task Nothing_the_accused_can_see_names_a_reporter_or_quotes_their_comment()
    {
        var room = await _s.NewRoomAsync();
        var accused = Scenario.NewId("user");
        var reporters = new[] { Scenario.NewId("secretrep"), Scenario.NewId("secretrep") };
        const string comment = "SECRET-COMMENT-only-agents-see";
        await _s.PostAsync(room, reporters[0], "hey");
        var seq = await _s.PostAsync(room, accused, "abuse");
        foreach (var reporter in reporters)
        {
            await _s.FlagMessageAsync(reporter, room, seq, FlagReason.Harassment, comment);
        }
        var caseId = await _s.CaseOfAsync("", room, accused);
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        var detail = await _s.Case(caseId).GetDetailAsync();
        Assert.DoesNotContain(reporters, r => Json(detail).Contains(r, StringComparison.Ordinal));
        var sanction = (await _s.Agent(agent).DecideCaseAsync(caseId,
            new DecisionRequest(CaseOutcome.Violation, null, new SanctionSpec(SanctionKind.Mute, 60), null))).Sanction!;
        var appeal = await _s.User(accused).FileAppealAsync(sanction.SanctionId, "who reported me?");
        var senior = await _s.NewAgentAsync(AgentRoles.Senior);
        AppealDetail? claimed;
        do
        {
            claimed = await _s.Agent(senior).ClaimNextAppealAsync();
        }
        while (claimed is not null && claimed.AppealId != appeal.AppealId);
        Assert.DoesNotContain(reporters, r => Json(claimed).Contains(r, StringComparison.Ordinal));
        await _s.Agent(senior).DecideAppealAsync(appeal.AppealId, new AppealDecisionRequest(AppealOutcome.Upheld, "Upheld after review."));

        var user = _s.User(accused);
        var visibleToAccused = new object[]
        {
            await user.GetStandingAsync(),
            await user.GetNoticesAsync(),
            await user.GetAppealAsync(appeal.AppealId),
        };
        foreach (var answer in visibleToAccused.Select(Json))
        {
            Assert.DoesNotContain(comment, answer, StringComparison.Ordinal);
            foreach (var reporter in reporters)
            {
                Assert.DoesNotContain(reporter, answer, StringComparison.Ordinal);
            }
        }
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value);
}
