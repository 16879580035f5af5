using System.Text.Json;

namespace MiniDocker.Spec;

/// <summary>
/// An OCI runtime specification (<c>config.json</c>): the standard description of a container
/// that containerd and Podman hand to runc. <see cref="Containers.ContainerBuilder"/> produces one;
/// the engine plans and runs it. It can be saved and loaded to inspect or reproduce a container.
/// </summary>
public sealed record RuntimeSpec
{
    /// <summary>The version of the specification this document follows.</summary>
    public string OciVersion { get; init; } = "1.2.0";

    /// <summary>The container's first process.</summary>
    public ProcessSpec? Process { get; init; }

    /// <summary>The root filesystem.</summary>
    public RootSpec? Root { get; init; }

    /// <summary>The hostname inside the container's UTS namespace.</summary>
    public string? Hostname { get; init; }

    /// <summary>The NIS domain name inside the container's UTS namespace.</summary>
    public string? Domainname { get; init; }

    /// <summary>Mounts made in order after the root filesystem.</summary>
    public IList<MountSpec> Mounts { get; init; } = [];

    /// <summary>Linux-specific configuration.</summary>
    public LinuxSpec? Linux { get; init; }

    /// <summary>Arbitrary metadata.</summary>
    public IDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Serializes this specification as an OCI <c>config.json</c> document.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RuntimeSpecJsonContext.Default.RuntimeSpec);

    /// <summary>Writes the document to a new file, as UTF-8 straight from the serializer's pooled buffers.</summary>
    internal async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);
        await using (file.ConfigureAwait(false))
            await JsonSerializer.SerializeAsync(file, this, RuntimeSpecJsonContext.Default.RuntimeSpec, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses an OCI <c>config.json</c> document.</summary>
    /// <exception cref="FormatException">The document is not a valid runtime specification.</exception>
    public static RuntimeSpec FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, RuntimeSpecJsonContext.Default.RuntimeSpec)
                ?? throw new FormatException("The runtime specification is the JSON value null; expected an object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"The runtime specification is not valid JSON for config.json: {e.Message}", e);
        }
    }
}
