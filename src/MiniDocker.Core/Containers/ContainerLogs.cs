namespace MiniDocker.Containers;

/// <summary>Everything a container has written so far.</summary>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
public sealed record ContainerLogs(string Stdout, string Stderr);
