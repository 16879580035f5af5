using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MiniDocker.Server;

/// <summary>
/// Execs as the Docker API has them: made by one request (<c>POST /containers/{id}/exec</c>),
/// started by another (<c>POST /exec/{id}/start</c>), inspected for the exit code by a third.
/// </summary>
internal sealed class ServerExecs
{
    private readonly ConcurrentDictionary<string, ExecRecord> _execs = new(StringComparer.Ordinal);

    public ExecRecord Add(string containerId, IReadOnlyList<string> command, Containers.ExecOptions options, bool attachStdin)
    {
        var record = new ExecRecord(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), containerId, command, options, attachStdin);
        _execs[record.Id] = record;
        return record;
    }

    /// <exception cref="Api.ApiException">No exec has that id.</exception>
    public ExecRecord Get(string id) =>
        _execs.TryGetValue(id, out var record) ? record : throw Api.ApiException.NotFound($"No such exec instance: {id}");
}

/// <summary>One exec: what to run, and once it ran, its pid and exit code.</summary>
internal sealed record ExecRecord(string Id, string ContainerId, IReadOnlyList<string> Command, Containers.ExecOptions Options, bool AttachStdin)
{
    public bool Running { get; set; }

    public int? ExitCode { get; set; }

    public int Pid { get; set; }

    /// <summary>While it runs: the exec itself, for resizing its terminal.</summary>
    public Containers.ContainerExec? Exec { get; set; }
}
