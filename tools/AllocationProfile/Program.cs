using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using OrleansSafety.AllocationProfile;

// Sums a trace's AllocationTick events. The runtime raises one each time a heap has allocated about 100 KB more, naming
// the type and carrying the stack of the allocation that crossed the line: a sample proportional to bytes allocated,
// so the shares below are shares of allocated bytes (not of objects, and not of what survives).
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: AllocationProfile TRACE.nettrace [TOP]");
    return 2;
}

var top = args.Length == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30;
var etlxPath = TraceLog.CreateFromEventPipeDataFile(args[0]);
using var log = new TraceLog(etlxPath);

var report = new AllocationReport();
foreach (var tick in log.Events.ByEventType<GCAllocationTickTraceData>())
{
    report.Add(tick.TypeName, tick.AllocationAmount64, StackFrames.Of(tick.CallStack()));
}

report.Print(Console.Out, top, log.SessionDuration);
return 0;
