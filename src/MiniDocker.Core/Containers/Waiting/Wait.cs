using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace MiniDocker.Containers.Waiting;

/// <summary>Wait strategies, as Testcontainers for .NET has them: <c>Wait.UntilPortIsListening(80).And(Wait.UntilHttpOk(80, "/health"))</c>.</summary>
public static class Wait
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Until something in the container listens on TCP <paramref name="port"/> (read from its network namespace's socket table; needs no tool in the image).</summary>
    public static WaitStrategy UntilPortIsListening(int port) => Of(new PortListeningCondition(port));

    /// <summary>Until a log line (stdout or stderr) matches <paramref name="pattern"/>.</summary>
    public static WaitStrategy UntilMessageIsLogged(string pattern) => Of(new MessageLoggedCondition(new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1))));

    /// <summary>Until a log line matches <paramref name="pattern"/>.</summary>
    public static WaitStrategy UntilMessageIsLogged(Regex pattern) => Of(new MessageLoggedCondition(pattern));

    /// <summary>Until <paramref name="command"/>, run in the container, exits with 0.</summary>
    public static WaitStrategy UntilCommandSucceeds(params string[] command) =>
        command.Length > 0 ? Of(new CommandSucceedsCondition([.. command])) : throw new ArgumentException("Give the command to run.", nameof(command));

    /// <summary>Until an HTTP GET of <paramref name="path"/> on the container's <paramref name="port"/> (at its address on its first network) answers 2xx.</summary>
    public static WaitStrategy UntilHttpOk(int port, string path = "/") => Of(new HttpOkCondition(port, path));

    /// <summary>Until <paramref name="path"/> exists in the container's filesystem.</summary>
    public static WaitStrategy UntilFileExists(string path) =>
        path.StartsWith('/') ? Of(new FileExistsCondition(path)) : throw new ArgumentException($"\"{path}\" is relative; give an absolute path in the container.", nameof(path));

    private static WaitStrategy Of(IWaitCondition condition) => new(ImmutableArray.Create(condition), DefaultTimeout, DefaultInterval);
}
