using MiniDocker.Containers;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>Waits for a condition the test cannot be notified of. The 30 s limit is a hang guard, not a timing assertion.</summary>
public static class Eventually
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static async Task TrueAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition did not hold within {Limit.TotalSeconds} s.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public static Task OutputContainsAsync(Container container, string text) =>
        TrueAsync(() => container.GetLogsAsync().GetAwaiter().GetResult().Stdout.Contains(text, StringComparison.Ordinal));
}
