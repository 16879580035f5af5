using System.Runtime.InteropServices;
using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary><c>/_ping</c>, <c>/version</c> and <c>/info</c>.</summary>
internal static class SystemApi
{
    public const string ApiVersion = "1.41";
    public const string MinimumApiVersion = "1.24";
    public const int MinimumMinorVersion = 24;

    public static void MapSystem(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/_ping", ["GET", "HEAD"], (HttpContext context) =>
        {
            // Clients read the version to speak from these headers.
            context.Response.Headers["Api-Version"] = ApiVersion;
            context.Response.Headers["Ostype"] = "linux";
            context.Response.Headers["Docker-Experimental"] = "false";
            context.Response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
            return Results.Text("OK");
        });
        app.MapGet("/version", () => Results.Json(new
        {
            Platform = new { Name = "MiniDocker" },
            Components = new[] { new { Name = "Engine", Version = Version, Details = new { ApiVersion, MinAPIVersion = MinimumApiVersion, Os = "linux", Arch = Arch } } },
            Version,
            ApiVersion,
            MinAPIVersion = MinimumApiVersion,
            GitCommit = "",
            GoVersion = "none (.NET " + Environment.Version + ")",
            Os = "linux",
            Arch,
            KernelVersion = Environment.OSVersion.Version.ToString(),
            BuildTime = "",
        }));
        app.MapGet("/info", async (ContainerEngine engine, CancellationToken cancellationToken) =>
        {
            var all = await engine.Containers.ListAsync(all: true, cancellationToken);
            var images = await engine.Images.ListAsync(cancellationToken);
            return Results.Json(new
            {
                ID = Environment.MachineName,
                Containers = all.Count,
                ContainersRunning = all.Count(c => c.Status == ContainerStatus.Running),
                ContainersPaused = all.Count(c => c.Status == ContainerStatus.Paused),
                ContainersStopped = all.Count(c => c.Status == ContainerStatus.Exited),
                Images = images.Count,
                Driver = engine.Options.StorageDriver.ToString().ToLowerInvariant(),
                DockerRootDir = engine.Options.RootDirectory,
                OperatingSystem = RuntimeInformation.OSDescription,
                OSType = "linux",
                Architecture = RuntimeInformation.OSArchitecture.ToString(),
                KernelVersion = Environment.OSVersion.Version.ToString(),
                NCPU = Environment.ProcessorCount,
                Name = Environment.MachineName,
                ServerVersion = Version,
                CgroupDriver = "cgroupfs",
                SecurityOptions,
            });
        });
    }

    private static readonly string[] SecurityOptions = ["name=seccomp,profile=builtin"];

    public static string Version => typeof(ContainerEngine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static string Arch => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };
}
