using System.Net.Http.Headers;

namespace OrleansSafety.LoadTest.Targets;

/// <summary>An agent signed in over HTTP: every call carries its bearer token.</summary>
internal sealed class HttpAgentSession(HttpTarget http, string agentId, AuthenticationHeaderValue bearer) : IAgentSession
{
    public string AgentId { get; } = agentId;

    public async Task<ClaimedCase?> ClaimNextCaseAsync(CancellationToken ct)
    {
        var claimed = await http.SendAsync<CaseBody, CaseBody>(HttpMethod.Post, "agent/claims", null, null, HttpJson.Default.CaseBody, bearer, ct);
        return claimed is null ? null : new ClaimedCase(claimed.CaseId, claimed.AccusedUserId);
    }

    public async Task<DecisionAck> DecideAsync(string caseId, DecisionSpec d, CancellationToken ct)
    {
        var sanction = d.SanctionKind is null ? null : new SanctionBody(d.SanctionKind, d.DurationMinutes);
        var body = new DecisionBody(d.Violation ? "violation" : "no_violation", d.Reason, sanction, "load test");
        var answer = await http.SendAsync(HttpMethod.Post, $"cases/{caseId}/decision", body, HttpJson.Default.DecisionBody, HttpJson.Default.DecisionAnswerBody, bearer, ct);
        return new DecisionAck(answer?.Sanction?.SanctionId, answer?.Sanction?.Kind);
    }

    public async Task<ClaimedAppeal?> ClaimNextAppealAsync(CancellationToken ct)
    {
        var claimed = await http.SendAsync<AppealClaimBody, AppealClaimBody>(HttpMethod.Post, "agent/appeals/claims", null, null, HttpJson.Default.AppealClaimBody, bearer, ct);
        return claimed is null ? null : new ClaimedAppeal(claimed.AppealId);
    }

    public Task DecideAppealAsync(string appealId, bool overturn, CancellationToken ct) =>
        http.SendAsync(HttpMethod.Post, $"appeals/{appealId}/decision",
            new AppealDecisionBody(overturn ? "overturned" : "upheld", "Reviewed by the load test."), HttpJson.Default.AppealDecisionBody, bearer, ct);

    public async Task<CaseInfo> GetCaseAsync(string caseId, CancellationToken ct)
    {
        var c = (await http.GetAsync($"cases/{caseId}", HttpJson.Default.CaseBody, bearer, ct))!;
        return new CaseInfo(c.CaseId, c.Status, c.AccusedUserId, c.Reporters.Count, c.ClaimedBy, c.Decision?.DecidedBy);
    }

    public async Task<IReadOnlyList<AuditRow>> GetAuditAsync(string? caseId, string? userId, int limit, CancellationToken ct)
    {
        var filter = caseId is not null ? $"caseId={caseId}" : $"userId={userId}";
        var page = (await http.GetAsync($"audit?{filter}&limit={limit}", HttpJson.Default.AuditBody, bearer, ct))!;
        return page.Entries.Select(e => new AuditRow(e.EntryId, e.Action, e.ActorId, e.CaseId, e.UserId)).ToList();
    }
}
