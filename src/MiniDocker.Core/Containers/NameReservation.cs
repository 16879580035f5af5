namespace MiniDocker.Containers;

/// <summary>
/// Holds a container name as a file created with O_EXCL under <c>&lt;root&gt;/names</c>, so two
/// engines on one host (in one process or several) can never hand out the same name.
/// </summary>
internal sealed class NameReservation : IDisposable
{
    private readonly string _path;
    private bool _released;

    private NameReservation(string path) => _path = path;

    public static NameReservation Take(string rootDirectory, string name, string id)
    {
        var directory = Path.Combine(rootDirectory, "names");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(id));
        }
        catch (IOException) when (File.Exists(path))
        {
            string holder;
            try
            {
                holder = File.ReadAllText(path);
            }
            catch (IOException)
            {
                holder = "(unknown)";
            }
            throw new ContainerNameConflictException(name, holder);
        }
        return new NameReservation(path);
    }

    /// <summary>Takes over a reservation another engine made (for a container it started).</summary>
    public static NameReservation Adopt(string rootDirectory, string name) => new(Path.Combine(rootDirectory, "names", name));

    /// <summary>Lets go of the reservation without removing it: the container keeps its name.</summary>
    public void Keep() => _released = true;

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        File.Delete(_path);
    }
}
