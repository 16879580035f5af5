using System.Diagnostics;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>What a command printed and how it ended.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a program as a user would from a shell, with its own environment variables, and collects its output.</summary>
public static class Command
{
    /// <param name="program">The program.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="environment">Variables added to the environment.</param>
    /// <param name="input">What it reads on stdin, then end-of-file; null leaves stdin as the test's.</param>
    public static async Task<CommandResult> RunAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? input = null)
    {
        var cancel = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancel);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel).WaitAsync(TimeSpan.FromSeconds(60), cancel);
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }
}
