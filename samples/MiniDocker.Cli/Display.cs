using System.Globalization;

namespace MiniDocker.Cli;

/// <summary>Docker's table layout and its human durations and sizes.</summary>
internal static class Display
{
    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
            Console.WriteLine(string.Join("   ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }

    public static string Ago(DateTimeOffset time) => Duration(DateTimeOffset.UtcNow - time) + " ago";

    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 1 => "Less than a second",
        < 60 => $"{(int)span.TotalSeconds} seconds",
        < 120 => "About a minute",
        < 3600 => $"{(int)span.TotalMinutes} minutes",
        < 7200 => "About an hour",
        < 172800 => $"{(int)span.TotalHours} hours",
        _ => $"{(int)span.TotalDays} days",
    };

    public static string Size(long bytes) => bytes switch
    {
        < 1000 => $"{bytes}B",
        < 1_000_000 => (bytes / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "kB",
        < 1_000_000_000 => (bytes / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "MB",
        _ => (bytes / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "GB",
    };

    public static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
