namespace OrleansSafety.Gateway.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>For effects the domain applies after the call returns (e.g. a reporter's flag status): poll briefly.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, int timeoutMs = 3000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(50);
        }
    }
}
