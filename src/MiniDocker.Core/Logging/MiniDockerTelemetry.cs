using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MiniDocker.Logging;

/// <summary>
/// The engine's OpenTelemetry-ready instruments: an <see cref="ActivitySource"/> named
/// <c>MiniDocker</c> (an activity per container start) and a <see cref="Meter"/> named
/// <c>MiniDocker</c> with <c>minidocker.container.start.duration</c> (ms) and
/// <c>minidocker.containers.running</c>.
/// </summary>
public static class MiniDockerTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "MiniDocker";

    /// <summary>Traces container starts.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    internal static Meter Meter { get; } = new(Name);

    internal static Histogram<double> StartDuration { get; } =
        Meter.CreateHistogram<double>("minidocker.container.start.duration", "ms", "From StartAsync to the container's program running.");

    internal static UpDownCounter<int> Running { get; } =
        Meter.CreateUpDownCounter<int>("minidocker.containers.running", "{container}", "Containers whose program runs, started by engines in this process.");
}
