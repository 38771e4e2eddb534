namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>Polling with a deadline, for what a cluster does by itself (declaring a silo dead, reactivating a grain).</summary>
public static class Eventually
{
    /// <summary>Runs <paramref name="attempt"/> until it succeeds; rethrows its last failure at the deadline.</summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> attempt, TimeSpan within, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out after {within.TotalSeconds:0.#} s waiting for: {what}");
            }
            await Task.Delay(100);
        }
    }
}
