using System.Globalization;
using System.Text.Json;
using MiniDocker.Cgroups;
using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>
/// <c>/containers/{id}/stats</c> in Docker's shape: CPU as cumulative nanoseconds beside the
/// host's (docker computes the percentage from two readings), memory with its limit (the host's
/// memory when unlimited), pids and block I/O. One reading with <c>stream=false</c>, else one a second.
/// </summary>
internal static class StatsApi
{
    public static void MapStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/containers/{id}/stats", async (string id, ContainerEngine engine, HttpContext context) =>
        {
            var info = await engine.Containers.InspectAsync(id, context.RequestAborted);
            bool stream = context.Request.Query["stream"].FirstOrDefault() is not ("0" or "false");
            context.Response.ContentType = "application/json";
            if (info.Status is not (ContainerStatus.Running or ContainerStatus.Paused))
            {
                // As dockerd: a stopped container's reading is all zeros.
                await context.Response.WriteAsync(JsonSerializer.Serialize(Reading(info, null, null, 0, 0)), context.RequestAborted);
                return;
            }
            var container = await engine.Containers.GetAsync(info.Id, context.RequestAborted);
            var previous = await container.GetStatsAsync(context.RequestAborted);
            var previousSystem = SystemCpuNanoseconds();
            do
            {
                // A pair of readings a moment apart, so even a single answer has a CPU percentage.
                await Task.Delay(stream ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(500), context.RequestAborted);
                CgroupStats now;
                try
                {
                    now = await container.GetStatsAsync(context.RequestAborted);
                }
                catch (Exception e) when (e is CgroupException or InvalidOperationException)
                {
                    return; // it exited
                }
                var system = SystemCpuNanoseconds();
                await context.Response.WriteAsync(JsonSerializer.Serialize(Reading(info, now, previous, system, previousSystem)) + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                (previous, previousSystem) = (now, system);
            }
            while (stream && !context.RequestAborted.IsCancellationRequested);
        });
    }

    private static object Reading(ContainerInfo info, CgroupStats? now, CgroupStats? previous, ulong system, ulong previousSystem) => new
    {
        read = (now?.Timestamp ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        preread = (previous?.Timestamp ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        name = "/" + info.Name,
        id = info.Id,
        pids_stats = new { current = now?.PidsCurrent ?? 0, limit = now?.PidsLimit ?? 0 },
        cpu_stats = Cpu(now, system),
        precpu_stats = Cpu(previous, previousSystem),
        memory_stats = now is null ? new { usage = 0UL, max_usage = 0UL, limit = 0UL } : new { usage = now.MemoryUsageBytes, max_usage = now.MemoryPeakBytes ?? 0, limit = now.MemoryLimitBytes ?? HostMemoryBytes() },
        blkio_stats = new
        {
            io_service_bytes_recursive = now is null ? [] : new[] { new { major = 0, minor = 0, op = "read", value = now.BlockIoReadBytes }, new { major = 0, minor = 0, op = "write", value = now.BlockIoWriteBytes } },
        },
    };

    private static object Cpu(CgroupStats? stats, ulong system) => new
    {
        cpu_usage = new { total_usage = stats?.CpuUsageNanoseconds ?? 0 },
        system_cpu_usage = system,
        online_cpus = Environment.ProcessorCount,
        throttling_data = new { periods = 0, throttled_periods = stats?.CpuThrottledPeriods ?? 0, throttled_time = stats?.CpuThrottledNanoseconds ?? 0 },
    };

    // The host's CPU time in nanoseconds, from the first line of /proc/stat (in clock ticks of 1/100 s).
    private static ulong SystemCpuNanoseconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(7);
        return fields.Aggregate(0UL, (sum, f) => sum + ulong.Parse(f, CultureInfo.InvariantCulture)) * 10_000_000UL;
    }

    private static ulong HostMemoryBytes() =>
        ulong.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
