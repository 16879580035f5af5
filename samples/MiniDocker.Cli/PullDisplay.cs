using MiniDocker.Registry;

namespace MiniDocker.Cli;

/// <summary>Pull progress as Docker prints it: a line per layer when its status changes.</summary>
internal sealed class PullDisplay(TextWriter output) : IProgress<PullProgress>
{
    private readonly Dictionary<MiniDocker.Storage.Digest, PullStatus> _last = [];
    private readonly Lock _lock = new();

    public void Report(PullProgress value)
    {
        lock (_lock)
        {
            if (_last.TryGetValue(value.Layer, out var last) && last == value.Status) return;
            _last[value.Layer] = value.Status;
            var text = value.Status switch
            {
                PullStatus.Waiting => "Waiting",
                PullStatus.AlreadyExists => "Already exists",
                PullStatus.Downloading => $"Downloading {Display.Size(value.Total)}",
                PullStatus.Downloaded => "Download complete",
                PullStatus.Extracting => "Extracting",
                _ => "Pull complete",
            };
            output.WriteLine($"{value.Layer.Hex[..12]}: {text}");
        }
    }
}
