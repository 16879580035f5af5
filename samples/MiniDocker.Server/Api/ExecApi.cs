using System.Globalization;
using System.Text.Json;
using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary><c>docker exec</c>: create, start (on a hijacked connection), inspect.</summary>
internal static class ExecApi
{
    public static void MapExec(this IEndpointRouteBuilder app)
    {
        app.MapPost("/containers/{id}/exec", async (string id, ContainerEngine engine, ServerExecs execs, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var info = await engine.Containers.InspectAsync(id, cancellationToken);
            if (info.Status != ContainerStatus.Running) throw ApiException.Conflict($"Container {info.Id} is not running");
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            var body = document.RootElement;
            var command = body.TryGetProperty("Cmd", out var cmd) && cmd.ValueKind == JsonValueKind.Array && cmd.EnumerateArray().All(c => c.ValueKind == JsonValueKind.String)
                ? cmd.EnumerateArray().Select(c => c.GetString()!).ToList()
                : throw ApiException.BadRequest("Cmd must be a non-empty array of strings.");
            if (command.Count == 0) throw ApiException.BadRequest("No exec command specified");
            if (body.TryGetProperty("Privileged", out var privileged) && privileged.ValueKind == JsonValueKind.True)
                throw ApiException.NotSupported("A privileged exec");
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            if (body.TryGetProperty("Env", out var env) && env.ValueKind == JsonValueKind.Array)
            {
                foreach (var variable in env.EnumerateArray().Select(e => e.GetString() ?? ""))
                {
                    var equals = variable.IndexOf('=');
                    if (equals > 0) environment[variable[..equals]] = variable[(equals + 1)..];
                }
            }
            uint? uid = null;
            if (body.TryGetProperty("User", out var user) && user.GetString() is { Length: > 0 } name)
                uid = uint.TryParse(name.Split(':')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    ? number : throw ApiException.NotSupported($"Exec as user \"{name}\" (give a numeric uid)");
            bool tty = body.TryGetProperty("Tty", out var t) && t.ValueKind == JsonValueKind.True;
            bool stdin = body.TryGetProperty("AttachStdin", out var s) && s.ValueKind == JsonValueKind.True;
            var options = new ExecOptions
            {
                Environment = environment,
                WorkingDirectory = body.TryGetProperty("WorkingDir", out var w) && w.GetString() is { Length: > 0 } dir ? dir : null,
                Uid = uid,
                Tty = tty,
                Stdin = stdin && !tty,
            };
            var record = execs.Add(info.Id, command, options, stdin);
            return Results.Json(new { record.Id }, statusCode: StatusCodes.Status201Created);
        });
        app.MapPost("/exec/{id}/start", async (string id, ContainerEngine engine, ServerExecs execs, IHostApplicationLifetime lifetime, HttpContext context) =>
        {
            var record = execs.Get(id);
            // An upgrade request's body arrives in a header: see Transport.UpgradeBodyShim.
            using var document = context.Request.Headers[Transport.UpgradeBodyShim.BodyHeader].FirstOrDefault() is { } moved
                ? JsonDocument.Parse(Convert.FromBase64String(moved))
                : await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            bool detach = document.RootElement.TryGetProperty("Detach", out var d) && d.ValueKind == JsonValueKind.True;
            var container = await engine.Containers.GetAsync(record.ContainerId, context.RequestAborted);
            var exec = await container.StartExecAsync(record.Command, record.Options, context.RequestAborted);
            record.Running = true;
            record.Pid = exec.Pid;
            record.Exec = exec;
            _ = RecordExitAsync(exec, record, disposeWhenDone: detach);
            if (detach) return;
            await using var attached = exec; // released once its output is all copied, not at its exit

            var upgrade = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>();
            if (upgrade is not { IsUpgradableRequest: true }) throw ApiException.BadRequest("Starting an attached exec needs an upgraded connection (Connection: Upgrade, Upgrade: tcp).");
            bool multiplexed = !record.Options.Tty;
            context.Response.Headers.ContentType = multiplexed ? StreamFrames.MultiplexedContentType : StreamFrames.RawContentType;
            context.Response.Headers.Upgrade = "tcp";
            await using var stream = await upgrade.UpgradeAsync();
            // As for attach: the client half-closes when it sends no stdin; the request is aborted only once it hung up.
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping, context.RequestAborted);
            var token = ended.Token;
            // Input runs on its own: it ends when the client closes its side, which may be never before the output ends.
            if (record.AttachStdin && exec.Stdin is { } stdin) _ = AttachedInput.CopyAsync(stream, stdin, closeAtEnd: true, token);
            var writeLock = new SemaphoreSlim(1, 1);
            try
            {
                await Task.WhenAll(
                    CopyOutputAsync(exec.Stdout, stream, ContainerOutput.Stdout, multiplexed, writeLock, token),
                    CopyOutputAsync(exec.Stderr, stream, ContainerOutput.Stderr, multiplexed, writeLock, token));
                await exec.WaitAsync(token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The client went away: the exec goes on, as with docker.
            }
        });
        app.MapGet("/exec/{id}/json", (string id, ServerExecs execs) =>
        {
            var record = execs.Get(id);
            return Results.Json(new
            {
                ID = record.Id,
                record.Running,
                ExitCode = record.ExitCode,
                ContainerID = record.ContainerId,
                record.Pid,
                OpenStdin = record.AttachStdin,
                ProcessConfig = new { entrypoint = record.Command[0], arguments = record.Command.Skip(1), tty = record.Options.Tty },
            });
        });
        app.MapPost("/exec/{id}/resize", (string id, ServerExecs execs, HttpRequest request) =>
        {
            var record = execs.Get(id);
            var (columns, rows) = TerminalSizeQuery.Parse(request);
            if (!record.Options.Tty) throw ApiException.BadRequest($"Exec {id} has no terminal to resize; create it with Tty: true.");
            if (record.Exec is not { } exec || !record.Running) throw ApiException.Conflict($"Exec {id} is not running.");
            exec.ResizeTerminal(columns, rows);
            return Results.Ok();
        });
    }

    private static async Task RecordExitAsync(ContainerExec exec, ExecRecord record, bool disposeWhenDone)
    {
        try
        {
            record.ExitCode = await exec.WaitAsync();
        }
        finally
        {
            record.Running = false;
            record.Exec = null;
            if (disposeWhenDone) await exec.DisposeAsync();
        }
    }

    private static async Task CopyOutputAsync(Stream from, Stream to, ContainerOutput stream, bool multiplexed, SemaphoreSlim writeLock, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await writeLock.WaitAsync(cancellationToken);
            try
            {
                await StreamFrames.WriteAsync(to, stream, buffer.AsMemory(0, n), multiplexed, cancellationToken);
            }
            finally
            {
                writeLock.Release();
            }
        }
    }
}
