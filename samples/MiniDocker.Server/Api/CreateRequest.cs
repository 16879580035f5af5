using System.Globalization;
using System.Text.Json;
using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>
/// The body of <c>POST /containers/create</c> turned into a container definition. A field this
/// server does not handle is refused by name unless it holds its default (null, "", false, 0 or
/// empty), which is what clients send for everything they were not asked to set.
/// </summary>
internal sealed class CreateRequest(JsonElement body)
{
    private static readonly HashSet<string> Handled = new(StringComparer.Ordinal)
    {
        "Image", "Cmd", "Entrypoint", "Env", "WorkingDir", "User", "Hostname", "Tty", "OpenStdin", "Labels", "StopSignal",
        "AttachStdin", "AttachStdout", "AttachStderr", "StdinOnce", "ExposedPorts", "HostConfig", "NetworkingConfig",
        // Docker.DotNet.Enhanced sends the name in the body as well as in the query.
        "Name",
    };

    /// <summary>The name the body gives, if any (the query's <c>name</c> is the API's own place for it).</summary>
    public string? Name => String(body, "Name") is { Length: > 0 } name ? name.TrimStart('/') : null;

    private static readonly HashSet<string> HandledHost = new(StringComparer.Ordinal)
    {
        "Binds", "Memory", "NanoCpus", "PidsLimit", "Privileged", "AutoRemove", "NetworkMode", "ReadonlyRootfs", "Init", "RestartPolicy", "LogConfig",
        "PortBindings",
        // The client's terminal size, applied by resize requests; and -1, the client's "unset" for swappiness.
        "ConsoleSize", "MemorySwappiness",
    };

    /// <summary>Whether the container is removed once it exits (<c>docker run --rm</c>).</summary>
    public bool AutoRemove => Host is { } host && host.TryGetProperty(nameof(AutoRemove), out var value) && Bool(value, "HostConfig.AutoRemove");

    private JsonElement? Host => body.TryGetProperty("HostConfig", out var host) && host.ValueKind == JsonValueKind.Object ? host : null;

    public async Task<ContainerBuilder> BuildAsync(ContainerEngine engine, ServerOptions options, CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("The request body must be a JSON object.");
        RefuseUnhandled(body, Handled, "");
        if (Host is { } hostConfig) RefuseUnhandled(hostConfig, HandledHost, "HostConfig.");

        var reference = String(body, "Image") ?? throw ApiException.BadRequest("Config.Image is required.");
        var image = await engine.Images.TryGetAsync(reference, cancellationToken)
            ?? throw ApiException.NotFound($"No such image: {reference}");
        var builder = engine.CreateContainer().WithImage(image);
        if (Strings(body, "Entrypoint") is { } entrypoint) builder = builder.WithEntrypoint([.. entrypoint]);
        if (Strings(body, "Cmd") is { Count: > 0 } command) builder = builder.WithCommand([.. command]);
        foreach (var variable in Strings(body, "Env") ?? [])
        {
            var equals = variable.IndexOf('=');
            if (equals <= 0) throw ApiException.BadRequest($"Env entry \"{variable}\" is not NAME=value.");
            builder = builder.WithEnvironment(variable[..equals], variable[(equals + 1)..]);
        }
        if (String(body, "WorkingDir") is { Length: > 0 } workdir) builder = builder.WithWorkingDirectory(workdir);
        if (String(body, "User") is { Length: > 0 } user) builder = builder.WithUser(user);
        if (String(body, "Hostname") is { Length: > 0 } hostname) builder = builder.WithHostname(hostname);
        if (String(body, "StopSignal") is { Length: > 0 } signal)
            builder = builder.WithStopSignal(Enum.TryParse<Signal>(signal.StartsWith("SIG", StringComparison.Ordinal) ? signal : "SIG" + signal, out var parsed)
                ? parsed : throw ApiException.BadRequest($"Invalid StopSignal \"{signal}\"."));
        if (body.TryGetProperty("Tty", out var tty) && Bool(tty, "Tty")) builder = builder.WithTty();
        else if (body.TryGetProperty("OpenStdin", out var stdin) && Bool(stdin, "OpenStdin")) builder = builder.WithStdin();
        if (body.TryGetProperty("Labels", out var labels) && labels.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in labels.EnumerateObject())
                builder = builder.WithLabel(label.Name, label.Value.GetString() ?? "");
        }
        if (Host is { } host) builder = WithHostConfig(builder, host, options);
        var network = Network(engine);
        if (network is not null) builder = builder.WithNetwork(network);
        return Host is { } withPorts && withPorts.TryGetProperty("PortBindings", out var bindings)
            ? PortBindings.Apply(builder, bindings, onNetwork: network is not null) : builder;
    }

    /// <summary>The network NetworkMode names: the server's default bridge unless told otherwise, as with dockerd.</summary>
    private Networks.ContainerNetwork? Network(ContainerEngine engine)
    {
        var mode = Host is { } host && String(host, "NetworkMode") is { Length: > 0 } given ? given : "default";
        return mode switch
        {
            "none" => null,
            "default" or NetworkApi.DefaultNetwork => engine.Networks.Find(NetworkApi.DefaultNetwork)
                ?? throw ApiException.NotFound($"network {NetworkApi.DefaultNetwork} not found; restart minidocker-server to make it again"),
            "host" => throw ApiException.NotSupported("NetworkMode host (sharing the host's network)"),
            _ when mode.StartsWith("container:", StringComparison.Ordinal) => throw ApiException.NotSupported("NetworkMode container:<name>"),
            _ => engine.Networks.Find(mode) ?? throw ApiException.NotFound($"network {mode} not found"),
        };
    }

    private static ContainerBuilder WithHostConfig(ContainerBuilder builder, JsonElement host, ServerOptions options)
    {
        foreach (var bind in Strings(host, "Binds") ?? [])
        {
            var parts = bind.Split(':');
            if (parts.Length < 2 || !parts[0].StartsWith('/'))
                throw ApiException.BadRequest($"Bind \"{bind}\" must be /host/path:/container/path[:ro]; named volumes are not supported by minidocker-server.");
            builder = builder.WithBindMount(parts[0], parts[1], readOnly: parts.Length > 2 && parts[2].Split(',').Contains("ro"));
        }
        if (host.TryGetProperty("MemorySwappiness", out var swap) && swap.ValueKind != JsonValueKind.Null && Long(host, "MemorySwappiness") is >= 0 and var swappiness)
            throw ApiException.BadRequest($"HostConfig.MemorySwappiness ({swappiness}) is not supported by minidocker-server.");
        if (Long(host, "Memory") is > 0 and var memory) builder = builder.WithMemoryLimit(memory);
        if (Long(host, "NanoCpus") is > 0 and var nanoCpus) builder = builder.WithCpuLimit(nanoCpus / 1e9);
        if (Long(host, "PidsLimit") is > 0 and var pids) builder = builder.WithPidsLimit(pids);
        if (host.TryGetProperty("Privileged", out var privileged) && Bool(privileged, "HostConfig.Privileged"))
        {
            if (!options.AllowPrivileged)
                throw new ApiException(StatusCodes.Status403Forbidden, "Privileged containers are refused by this server; start it with --allow-privileged to allow them.");
            builder = builder.WithPrivileged();
        }
        if (host.TryGetProperty("ReadonlyRootfs", out var readOnly) && Bool(readOnly, "HostConfig.ReadonlyRootfs")) builder = builder.WithReadOnlyRootfs();
        if (host.TryGetProperty("Init", out var init) && init.ValueKind == JsonValueKind.True) builder = builder.WithInit();
        if (host.TryGetProperty("RestartPolicy", out var restart) && restart.ValueKind == JsonValueKind.Object && String(restart, "Name") is { Length: > 0 } policy && policy != "no")
        {
            var max = Long(restart, "MaximumRetryCount");
            builder = builder.WithRestartPolicy(RestartPolicy.Parse(max > 0 ? $"{policy}:{max}" : policy));
        }
        if (host.TryGetProperty("LogConfig", out var log) && String(log, "Type") is { Length: > 0 } driver && driver != "json-file")
            throw ApiException.BadRequest($"Log driver \"{driver}\" is not supported by minidocker-server; it writes json-file logs.");
        return builder;
    }

    private static void RefuseUnhandled(JsonElement element, HashSet<string> handled, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!handled.Contains(property.Name) && !IsDefault(property.Value))
                throw ApiException.BadRequest($"{prefix}{property.Name} is not supported by minidocker-server.");
        }
    }

    private static bool IsDefault(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => true,
        JsonValueKind.String => value.GetString()!.Length == 0,
        JsonValueKind.Number => value.GetDouble() == 0,
        JsonValueKind.Array => value.EnumerateArray().All(IsDefault),
        JsonValueKind.Object => value.EnumerateObject().All(p => IsDefault(p.Value)),
        _ => false,
    };

    private static string? String(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw ApiException.BadRequest($"{name} must be a string.");

    private static List<string>? Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return [value.GetString()!];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            throw ApiException.BadRequest($"{name} must be an array of strings.");
        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    private static long Long(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? 0
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        : throw ApiException.BadRequest($"{name} must be an integer, not {value.GetRawText().ToString(CultureInfo.InvariantCulture)}.");

    private static bool Bool(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False or JsonValueKind.Null => false,
        _ => throw ApiException.BadRequest($"{name} must be true or false."),
    };
}
