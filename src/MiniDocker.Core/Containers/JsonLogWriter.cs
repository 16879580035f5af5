namespace MiniDocker.Containers;

/// <summary>
/// Writes json-file lines with the same rotation as stage-0's log monitor: before a line would
/// take the file past <c>maxBytes</c>, <c>container.log</c> becomes <c>.1</c>, <c>.1</c> becomes <c>.2</c>...
/// </summary>
internal sealed class JsonLogWriter(string path, long maxBytes, int maxFiles) : IDisposable
{
    private FileStream _file = Open(path);

    public void Write(ContainerOutput stream, string text)
    {
        var line = JsonLogFile.Format(stream, text, DateTimeOffset.UtcNow);
        if (maxBytes > 0 && _file.Length > 0 && _file.Length + line.Length > maxBytes) Rotate();
        _file.Write(line);
    }

    private void Rotate()
    {
        _file.Dispose();
        for (int i = Math.Max(1, maxFiles) - 1; i >= 1; i--)
        {
            var from = i == 1 ? path : $"{path}.{i - 1}";
            if (File.Exists(from)) File.Move(from, $"{path}.{i}", overwrite: true);
        }
        if (maxFiles <= 1) File.WriteAllBytes(path, []);
        _file = Open(path);
    }

    private static FileStream Open(string path) => new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);

    public void Dispose() => _file.Dispose();
}
