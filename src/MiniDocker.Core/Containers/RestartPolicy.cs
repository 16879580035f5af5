using System.Globalization;

namespace MiniDocker.Containers;

/// <summary>When a container whose program ended is started again, while its engine lives (Docker's <c>--restart</c>).</summary>
public sealed record RestartPolicy
{
    private RestartPolicy(RestartMode mode, int maxRetries)
    {
        Mode = mode;
        MaxRetries = maxRetries;
    }

    /// <summary>The kind of policy.</summary>
    public RestartMode Mode { get; }

    /// <summary>For <see cref="RestartMode.OnFailure"/>: how many restarts at most; 0 for no limit.</summary>
    public int MaxRetries { get; }

    /// <summary>Never restart (the default).</summary>
    public static RestartPolicy No { get; } = new(RestartMode.No, 0);

    /// <summary>Restart whenever it ends, unless it was stopped or killed through the engine.</summary>
    public static RestartPolicy Always { get; } = new(RestartMode.Always, 0);

    /// <summary>As <see cref="Always"/>; the two differ only when a daemon restarts, and there is none.</summary>
    public static RestartPolicy UnlessStopped { get; } = new(RestartMode.UnlessStopped, 0);

    /// <summary>Restart when it ends with a non-zero code, at most <paramref name="maxRetries"/> times (0: no limit).</summary>
    public static RestartPolicy OnFailure(int maxRetries = 0) =>
        maxRetries >= 0 ? new(RestartMode.OnFailure, maxRetries) : throw new ContainerConfigurationException($"The restart limit {maxRetries} is negative; give 0 for no limit or a positive count.");

    /// <summary>Reads Docker's syntax: <c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c>, <c>on-failure:5</c>.</summary>
    public static RestartPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 2);
        return parts[0] switch
        {
            "no" when parts.Length == 1 => No,
            "always" when parts.Length == 1 => Always,
            "unless-stopped" when parts.Length == 1 => UnlessStopped,
            "on-failure" when parts.Length == 1 => OnFailure(),
            "on-failure" when int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max) => OnFailure(max),
            _ => throw new ContainerConfigurationException($"\"{text}\" is not a restart policy; use no, always, unless-stopped, on-failure or on-failure:N."),
        };
    }

    /// <summary>Whether a run that ended with <paramref name="exitCode"/>, after <paramref name="restarts"/> restarts, is followed by another.</summary>
    internal bool Restarts(int exitCode, int restarts) => Mode switch
    {
        RestartMode.Always or RestartMode.UnlessStopped => true,
        RestartMode.OnFailure => exitCode != 0 && (MaxRetries == 0 || restarts < MaxRetries),
        _ => false,
    };

    /// <summary>Docker's form: <c>on-failure:3</c>.</summary>
    public override string ToString() => Mode switch
    {
        RestartMode.OnFailure => MaxRetries > 0 ? $"on-failure:{MaxRetries}" : "on-failure",
        RestartMode.UnlessStopped => "unless-stopped",
        _ => Mode.ToString().ToLowerInvariant(),
    };
}

/// <summary>The kinds of <see cref="RestartPolicy"/>.</summary>
public enum RestartMode
{
    /// <summary>Never restart.</summary>
    No,

    /// <summary>Restart on a non-zero exit code.</summary>
    OnFailure,

    /// <summary>Always restart, unless stopped through the engine.</summary>
    Always,

    /// <summary>As Always.</summary>
    UnlessStopped,
}
