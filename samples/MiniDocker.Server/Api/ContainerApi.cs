using System.Globalization;
using System.Text.Json;
using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>The <c>/containers</c> endpoints.</summary>
internal static class ContainerApi
{
    public static void MapContainers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/containers/json", async (ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var filter = new ContainerFilter { All = request.Flag("all") };
            foreach (var (key, values) in DockerFilters.Parse(request, "name", "id", "status", "ancestor", "label"))
            {
                if (values.Count > 1 && key != "label") throw ApiException.NotSupported($"More than one {key} filter");
                foreach (var value in values) filter = filter.With($"{key}={value}");
            }
            var list = await engine.Containers.ListAsync(filter, cancellationToken);
            return Results.Json(list.Select(Summary));
        });
        app.MapPost("/containers/create", async (ContainerEngine engine, ServerContainers server, ServerOptions options, HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            var create = new CreateRequest(document.RootElement);
            var builder = await create.BuildAsync(engine, options, cancellationToken);
            var name = request.Query["name"].FirstOrDefault() is { Length: > 0 } query ? query.TrimStart('/') : create.Name;
            if (create.Name is { } named && name != named)
                throw ApiException.BadRequest($"The name in the query (\"{name}\") and in the body (\"{named}\") differ; give one.");
            if (name is not null) builder = builder.WithName(name);
            var created = await engine.CreateAsync(builder.Build(), cancellationToken);
            if (create.AutoRemove) server.MarkAutoRemove(created.Id);
            return Results.Json(new { created.Id, Warnings = Array.Empty<string>() }, statusCode: StatusCodes.Status201Created);
        });
        app.MapGet("/containers/{id}/json", async (string id, ContainerEngine engine, ServerContainers server, CancellationToken cancellationToken) =>
            Results.Json(Inspect(await engine.Containers.InspectAsync(id, cancellationToken), server, engine)));
        app.MapPost("/containers/{id}/start", async (string id, ContainerEngine engine, ServerContainers server, CancellationToken cancellationToken) =>
        {
            var info = await engine.Containers.InspectAsync(id, cancellationToken);
            if (info.Status is ContainerStatus.Running or ContainerStatus.Paused) return Results.StatusCode(StatusCodes.Status304NotModified);
            await server.StartAsync(info.Id, cancellationToken);
            return Results.NoContent();
        });
        app.MapPost("/containers/{id}/stop", async (string id, ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var info = await engine.Containers.InspectAsync(id, cancellationToken);
            if (info.Status is not (ContainerStatus.Running or ContainerStatus.Paused)) return Results.StatusCode(StatusCodes.Status304NotModified);
            var container = await engine.Containers.GetAsync(info.Id, cancellationToken);
            TimeSpan? timeout = int.TryParse(request.Query["t"], CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
            await container.StopAsync(timeout, cancellationToken);
            return Results.NoContent();
        });
        app.MapPost("/containers/{id}/kill", async (string id, ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var container = await engine.RunningAsync(id, cancellationToken);
            var name = request.Query["signal"].FirstOrDefault() is { Length: > 0 } s ? s : "SIGKILL";
            var signal = int.TryParse(name, CultureInfo.InvariantCulture, out var number) ? (Signal)number
                : Enum.TryParse<Signal>(name.StartsWith("SIG", StringComparison.Ordinal) ? name : "SIG" + name, out var parsed) ? parsed
                : throw ApiException.BadRequest($"Invalid signal: {name}");
            await container.KillAsync(signal, cancellationToken);
            return Results.NoContent();
        });
        app.MapPost("/containers/{id}/wait", async (string id, ContainerEngine engine, ServerContainers server, HttpContext context) =>
        {
            var info = await engine.Containers.InspectAsync(id, context.RequestAborted);
            var condition = context.Request.Query["condition"].FirstOrDefault() ?? "not-running";
            // The client sends this before it starts the container: the headers go now, the body at the exit.
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            int code;
            var live = engine.Containers.FirstOrDefault(c => c.Id == info.Id);
            if (info.Status == ContainerStatus.Exited && live is null && condition != "next-exit" && condition != "removed")
            {
                code = info.ExitCode ?? -1;
            }
            else if (live is not null && condition != "removed" && !(condition == "next-exit" && info.Status == ContainerStatus.Exited))
            {
                // Still this server's: its exit code is known once its exit has been handled, which may be a moment after the process ended.
                code = (await live.WaitAsync(context.RequestAborted)).ExitCode;
            }
            else
            {
                var container = await server.WhenStartedAsync(info.Id, context.RequestAborted);
                code = (await container.WaitAsync(context.RequestAborted)).ExitCode;
                if (condition == "removed" && server.IsAutoRemove(info.Id)) await server.WhenRemovedAsync(info.Id, context.RequestAborted);
            }
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { StatusCode = code, Error = (object?)null }), context.RequestAborted);
        });
        app.MapPost("/containers/{id}/attach", async (string id, ContainerEngine engine, ServerContainers server, IHostApplicationLifetime lifetime, HttpContext context) =>
        {
            var attachedAt = DateTimeOffset.UtcNow;
            var info = await engine.Containers.InspectAsync(id, context.RequestAborted);
            var upgrade = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>();
            if (upgrade is not { IsUpgradableRequest: true }) throw ApiException.BadRequest("Attach needs an upgraded connection (Connection: Upgrade, Upgrade: tcp).");
            // As dockerd: a terminal's output is one raw stream; otherwise stdout and stderr come framed apart.
            context.Response.Headers.ContentType = info.Tty ? StreamFrames.RawContentType : StreamFrames.MultiplexedContentType;
            context.Response.Headers.Upgrade = "tcp";
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server.Streaming(info.Id, done.Task);
            try
            {
                await using var stream = await upgrade.UpgradeAsync();
                // A client that attaches no stdin shuts its side of the connection down at once and
                // still reads; the transport aborts the request only once the client has hung up.
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping, context.RequestAborted);
                var token = ended.Token;
                var container = await server.WhenStartedAsync(info.Id, token);
                // Without OpenStdin the container has no stdin to write to, and the client's input is ignored, as with dockerd.
                if (context.Request.Flag("stdin") && container.Stdin is { } stdin)
                    _ = AttachedInput.CopyAsync(stream, stdin, closeAtEnd: !info.Tty, token);
                if (info.Tty)
                {
                    await foreach (var bytes in container.AttachTerminalAsync(token))
                    {
                        await stream.WriteAsync(bytes, token);
                        await stream.FlushAsync(token);
                    }
                }
                else
                {
                    // What is written from the attach on (docker run attaches before the start, so that is everything); earlier output only with logs=1.
                    var options = new LogOptions { Stdout = context.Request.Flag("stdout"), Stderr = context.Request.Flag("stderr"), Since = context.Request.Flag("logs") ? null : attachedAt };
                    await foreach (var line in container.FollowLogsAsync(options, token))
                        await StreamFrames.WriteAsync(stream, line.Stream, line.Text, multiplexed: true, token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or MiniDockerException or InvalidOperationException)
            {
                // The client went away, or the start failed (its own request reports why): the stream just ends.
            }
            finally
            {
                done.TrySetResult();
            }
        });
        app.MapGet("/containers/{id}/logs", async (string id, ContainerEngine engine, HttpContext context) =>
        {
            var request = context.Request;
            var info = await engine.Containers.InspectAsync(id, context.RequestAborted);
            if (!request.Flag("stdout") && !request.Flag("stderr")) throw ApiException.BadRequest("You must choose at least one stream");
            var options = new LogOptions
            {
                Stdout = request.Flag("stdout"),
                Stderr = request.Flag("stderr"),
                Tail = int.TryParse(request.Query["tail"], CultureInfo.InvariantCulture, out var tail) ? tail : null,
                Since = long.TryParse(request.Query["since"], CultureInfo.InvariantCulture, out var since) && since > 0 ? DateTimeOffset.FromUnixTimeSeconds(since) : null,
            };
            bool timestamps = request.Flag("timestamps");
            context.Response.ContentType = StreamFrames.MultiplexedContentType;
            // Headers at once, and a chunked body even when it stays empty: Docker.DotNet reads a log as chunks.
            await context.Response.StartAsync(context.RequestAborted);
            var lines = request.Flag("follow") && info.Status is ContainerStatus.Running or ContainerStatus.Paused
                ? (await engine.Containers.GetAsync(info.Id, context.RequestAborted)).FollowLogsAsync(options, context.RequestAborted)
                : (await engine.Containers.GetLogsAsync(info.Id, options, context.RequestAborted)).ToAsyncEnumerable();
            await foreach (var line in lines)
                await StreamFrames.WriteAsync(context.Response.Body, line.Stream, timestamps ? line.WithTimestamp : line.Text, multiplexed: true, context.RequestAborted);
        });
        app.MapDelete("/containers/{id}", async (string id, ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var info = await engine.Containers.InspectAsync(id, cancellationToken);
            if (info.Status is ContainerStatus.Running or ContainerStatus.Paused && !request.Flag("force"))
                throw ApiException.Conflict($"You cannot remove a running container {info.Id}. Stop the container before attempting removal or force remove");
            await engine.Containers.RemoveAsync(info.Id, force: true, cancellationToken);
            return Results.NoContent();
        });
    }

    private static string State(ContainerInfo c) => c.Status switch
    {
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        ContainerStatus.Created => "created",
        ContainerStatus.Exited => "exited",
        _ => "dead",
    };

    private static object Summary(ContainerInfo c) => new
    {
        c.Id,
        Names = new[] { "/" + c.Name },
        Image = c.Image ?? "",
        ImageID = c.ImageId ?? "",
        Command = string.Join(' ', c.Command),
        Created = c.Created.ToUnixTimeSeconds(),
        State = State(c),
        Status = c.Status switch
        {
            ContainerStatus.Running => "Up " + Ago(c.StartedAt ?? c.Created),
            ContainerStatus.Paused => "Up " + Ago(c.StartedAt ?? c.Created) + " (Paused)",
            ContainerStatus.Exited => $"Exited ({c.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}) {Ago(c.FinishedAt ?? c.Created)} ago",
            ContainerStatus.Created => "Created",
            _ => "Unknown",
        },
        Ports = c.Ports.Select(p => new { IP = p.HostAddress?.ToString() ?? "0.0.0.0", PrivatePort = p.ContainerPort, PublicPort = p.HostPort, Type = p.Protocol.ToString().ToLowerInvariant() }),
        c.Labels,
    };

    private static object Inspect(ContainerInfo c, ServerContainers server, ContainerEngine engine) => new
    {
        c.Id,
        Name = "/" + c.Name,
        Created = c.Created.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        Path = c.Command.Count > 0 ? c.Command[0] : "",
        Args = c.Command.Skip(1),
        State = new
        {
            Status = State(c),
            Running = c.Status == ContainerStatus.Running,
            Paused = c.Status == ContainerStatus.Paused,
            Restarting = false,
            OOMKilled = false,
            Dead = c.Status == ContainerStatus.Unknown,
            Pid = c.Pid ?? 0,
            ExitCode = c.ExitCode ?? 0,
            Error = c.Error ?? "",
            StartedAt = (c.StartedAt ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            FinishedAt = (c.FinishedAt ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        },
        Image = c.ImageId ?? "",
        Config = new { Image = c.Image ?? "", Cmd = c.Command, c.Labels, c.Tty, c.OpenStdin },
        HostConfig = new
        {
            AutoRemove = server.IsAutoRemove(c.Id),
            NetworkMode = c.Networks.Count > 0 ? c.Networks[0] : "none",
            PortBindings = Ports(c),
        },
        NetworkSettings = NetworkSettings(c, engine),
    };

    /// <summary>Where the container is reachable: its address on each network and its published ports (what docker port and Testcontainers read).</summary>
    private static object NetworkSettings(ContainerInfo c, ContainerEngine engine)
    {
        var networks = c.Networks.ToDictionary(n => n, n => (object)new
        {
            IPAddress = c.Addresses.GetValueOrDefault(n) ?? "",
            IPPrefixLen = engine.Networks.Find(n)?.Subnet.PrefixLength ?? 0,
            Gateway = engine.Networks.Find(n)?.Gateway.ToString() ?? "",
            NetworkID = NetworkApi.Id(n),
        });
        var first = c.Networks.Count > 0 ? c.Networks[0] : null;
        return new
        {
            IPAddress = first is null ? "" : c.Addresses.GetValueOrDefault(first) ?? "",
            Gateway = first is null ? "" : engine.Networks.Find(first)?.Gateway.ToString() ?? "",
            Ports = Ports(c),
            Networks = networks,
        };
    }

    private static Dictionary<string, object[]> Ports(ContainerInfo c) =>
        c.Ports.GroupBy(p => $"{p.ContainerPort}/{p.Protocol.ToString().ToLowerInvariant()}")
            .ToDictionary(g => g.Key, g => g.Select(p => (object)new { HostIp = p.HostAddress?.ToString() ?? "0.0.0.0", HostPort = p.HostPort.ToString(CultureInfo.InvariantCulture) }).ToArray());

    private static string Ago(DateTimeOffset time)
    {
        var span = DateTimeOffset.UtcNow - time;
        return span.TotalSeconds < 60 ? $"{Math.Max(1, (int)span.TotalSeconds)} seconds"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} minutes"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours} hours" : $"{(int)span.TotalDays} days";
    }
}
