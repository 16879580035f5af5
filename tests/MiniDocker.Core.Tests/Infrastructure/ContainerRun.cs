using MiniDocker.Containers;

namespace MiniDocker.Tests.Infrastructure;

public static class ContainerRun
{
    /// <summary>Starts the container, waits for it to end, returns its exit and output, and removes it.</summary>
    public static async Task<(ContainerExit Exit, string Stdout, string Stderr)> RunAsync(this ContainerBuilder builder)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var container = await builder.StartAsync(cancel);
        var exit = await container.WaitAsync(cancel).WaitAsync(TimeSpan.FromSeconds(60), cancel);
        var logs = await container.GetLogsAsync(cancel);
        return (exit, logs.Stdout, logs.Stderr);
    }

    /// <summary>Runs <c>/bin/sh -c script</c> and returns stdout, failing the test if the script fails.</summary>
    public static async Task<string> ShellAsync(this ContainerBuilder builder, string script)
    {
        var (exit, stdout, stderr) = await builder.WithCommand("/bin/sh", "-c", script).RunAsync();
        Assert.True(exit.ExitCode == 0, $"The script failed with {exit}.\nstdout: {stdout}\nstderr: {stderr}");
        return stdout;
    }
}
