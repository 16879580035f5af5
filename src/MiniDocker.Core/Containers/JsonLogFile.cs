using System.Globalization;
using System.Text.Json;

namespace MiniDocker.Containers;

/// <summary>
/// A container's log in Docker's json-file format: <c>{"log":"…\n","stream":"stdout","time":"…"}</c>
/// per line, in <c>container.log</c> and, once rotated, <c>container.log.1</c> (newer) to
/// <c>container.log.N</c> (older). stage-0's log monitor writes it; a terminal's pump writes it
/// through <see cref="JsonLogWriter"/>.
/// </summary>
internal static class JsonLogFile
{
    public const string FileName = "container.log";

    /// <summary>The files holding the log, oldest first.</summary>
    public static IEnumerable<string> Files(string path)
    {
        var rotated = new List<(int, string)>();
        var directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, Path.GetFileName(path) + ".*"))
                if (int.TryParse(Path.GetExtension(file).AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) rotated.Add((n, file));
        }
        foreach (var (_, file) in rotated.OrderByDescending(r => r.Item1)) yield return file;
        yield return path;
    }

    /// <summary>Every complete line of the log, oldest first.</summary>
    public static List<LogLine> ReadAll(string path)
    {
        var lines = new List<LogLine>();
        foreach (var file in Files(path))
        {
            byte[] content;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                content = memory.ToArray();
            }
            catch (FileNotFoundException)
            {
                continue; // rotated away while reading
            }
            Parse(content, lines, out _);
        }
        return lines;
    }

    /// <summary>Parses complete lines of <paramref name="content"/>; <paramref name="consumed"/> is where an unfinished last line starts.</summary>
    public static void Parse(ReadOnlySpan<byte> content, List<LogLine> into, out int consumed)
    {
        consumed = 0;
        while (true)
        {
            int newline = content[consumed..].IndexOf((byte)'\n');
            if (newline < 0) return;
            if (TryParseLine(content.Slice(consumed, newline)) is { } line) into.Add(line);
            consumed += newline + 1;
        }
    }

    private static LogLine? TryParseLine(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            string? text = null, stream = null;
            DateTimeOffset time = default;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "log": text = reader.GetString(); break;
                    case "stream": stream = reader.GetString(); break;
                    case "time": time = reader.GetDateTimeOffset(); break;
                    default: reader.Skip(); break;
                }
            }
            return text is null ? null : new LogLine(time, stream == "stderr" ? ContainerOutput.Stderr : ContainerOutput.Stdout, text);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null; // a line torn by a crash is skipped, not fatal
        }
    }

    /// <summary>One line in the file's format.</summary>
    public static byte[] Format(ContainerOutput stream, string text, DateTimeOffset time)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("log", text);
            writer.WriteString("stream", stream == ContainerOutput.Stderr ? "stderr" : "stdout");
            writer.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

}
