namespace MiniDocker.Containers;

/// <summary>Container names, reserved under <c>&lt;root&gt;/names</c>: unique across every engine on the root.</summary>
internal static class NameReservation
{
    public static string Directory(string rootDirectory) => Path.Combine(rootDirectory, "names");

    /// <exception cref="ContainerNameConflictException">Another container has the name.</exception>
    public static Reservation Take(string rootDirectory, string name, string id) =>
        Reservation.Take(Directory(rootDirectory), name, id, holder => new ContainerNameConflictException(name, holder));

    /// <summary>Takes over the name of a container another engine made.</summary>
    public static Reservation Adopt(string rootDirectory, string name) => Reservation.Adopt(Directory(rootDirectory), name);

    /// <summary>Frees the name if the container still holds it.</summary>
    public static void Release(string rootDirectory, string name, string id) => Reservation.Release(Directory(rootDirectory), name, id);
}
