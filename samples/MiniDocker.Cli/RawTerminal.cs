using System.Diagnostics;

namespace MiniDocker.Cli;

/// <summary>
/// Puts the user's terminal in raw mode for <c>run -it</c> (keys go to the container as typed,
/// its terminal echoes them) and restores it afterwards; nothing when stdin is not a terminal.
/// </summary>
internal sealed class RawTerminal : IDisposable
{
    private readonly string _saved;

    private RawTerminal(string saved) => _saved = saved;

    public static RawTerminal? Enter()
    {
        if (Console.IsInputRedirected) return null;
        var saved = Stty("-g").Trim();
        if (saved.Length == 0) return null;
        Stty("raw", "-echo");
        return new RawTerminal(saved);
    }

    public void Dispose() => Stty(_saved);

    private static string Stty(params string[] arguments)
    {
        var start = new ProcessStartInfo("stty") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var stty = Process.Start(start)!;
            var output = stty.StandardOutput.ReadToEnd();
            stty.WaitForExit();
            return stty.ExitCode == 0 ? output : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return ""; // no stty: the terminal stays as it is
        }
    }
}
