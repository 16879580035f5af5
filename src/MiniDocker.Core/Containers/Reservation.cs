namespace MiniDocker.Containers;

/// <summary>
/// Something only one container may hold at a time (a name, a host port), held as a file created
/// with O_EXCL that names the holder's id, so engines in one process or several never hand it out twice.
/// </summary>
internal sealed class Reservation : IDisposable
{
    private readonly string _path;
    private bool _released;

    private Reservation(string path) => _path = path;

    /// <summary>Takes the reservation for <paramref name="id"/>, or throws what <paramref name="conflict"/> makes of the holder's id.</summary>
    public static Reservation Take(string directory, string key, string id, Func<string, Exception> conflict)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, key);
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(id));
        }
        catch (IOException) when (File.Exists(path))
        {
            throw conflict(Holder(path) ?? "(unknown)");
        }
        return new Reservation(path);
    }

    /// <summary>Takes over a reservation another engine made (for a container it started).</summary>
    public static Reservation Adopt(string directory, string key) => new(Path.Combine(directory, key));

    /// <summary>Removes a reservation if <paramref name="id"/> still holds it (another container may have it by now).</summary>
    public static void Release(string directory, string key, string id)
    {
        var path = Path.Combine(directory, key);
        if (Holder(path) == id) File.Delete(path);
    }

    /// <summary>The id that holds a reservation, or null when nobody does.</summary>
    public static string? Holder(string path)
    {
        try
        {
            return IO.SmallFile.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            return "(unknown)";
        }
    }

    /// <summary>Lets go of the reservation without removing it: the container keeps it.</summary>
    public void Keep() => _released = true;

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        File.Delete(_path);
    }
}
