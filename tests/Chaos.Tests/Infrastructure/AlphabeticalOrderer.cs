using Xunit.Sdk;

namespace OrleansSafety.Chaos.Tests.Infrastructure;

/// <summary>Runs a class's tests in the order of their names (F1_…, F2_…), so a run reads like the fault sequence it is.</summary>
public sealed class AlphabeticalOrderer : ITestCaseOrderer
{
    public const string TypeName = "OrleansSafety.Chaos.Tests.Infrastructure.AlphabeticalOrderer";
    public const string AssemblyName = "OrleansSafety.Chaos.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
