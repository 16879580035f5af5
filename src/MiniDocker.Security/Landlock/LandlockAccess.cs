namespace MiniDocker.Security.Landlock;

/// <summary>Filesystem rights Landlock can restrict (LANDLOCK_ACCESS_FS_*); the ABI version says which the kernel knows.</summary>
[Flags]
public enum LandlockAccess : ulong
{
    /// <summary>No right.</summary>
    None = 0,

    /// <summary>Execute a file (ABI 1).</summary>
    Execute = 1 << 0,

    /// <summary>Open a file for writing (ABI 1).</summary>
    WriteFile = 1 << 1,

    /// <summary>Open a file for reading (ABI 1).</summary>
    ReadFile = 1 << 2,

    /// <summary>List a directory (ABI 1).</summary>
    ReadDirectory = 1 << 3,

    /// <summary>Remove a directory (ABI 1).</summary>
    RemoveDirectory = 1 << 4,

    /// <summary>Remove a file (ABI 1).</summary>
    RemoveFile = 1 << 5,

    /// <summary>Create a character device (ABI 1).</summary>
    MakeCharacterDevice = 1 << 6,

    /// <summary>Create a directory (ABI 1).</summary>
    MakeDirectory = 1 << 7,

    /// <summary>Create a regular file (ABI 1).</summary>
    MakeRegularFile = 1 << 8,

    /// <summary>Create a socket (ABI 1).</summary>
    MakeSocket = 1 << 9,

    /// <summary>Create a FIFO (ABI 1).</summary>
    MakeFifo = 1 << 10,

    /// <summary>Create a block device (ABI 1).</summary>
    MakeBlockDevice = 1 << 11,

    /// <summary>Create a symbolic link (ABI 1).</summary>
    MakeSymlink = 1 << 12,

    /// <summary>Link or rename a file into another directory (ABI 2).</summary>
    Refer = 1 << 13,

    /// <summary>Truncate a file (ABI 3).</summary>
    Truncate = 1 << 14,

    /// <summary>ioctl on a device (ABI 5).</summary>
    IoctlDevice = 1 << 15,

    /// <summary>Read files and list directories.</summary>
    Read = ReadFile | ReadDirectory,

    /// <summary>Read, list and execute.</summary>
    ReadExecute = Read | Execute,

    /// <summary>Everything that changes files: write, create, remove, rename, truncate.</summary>
    Write = WriteFile | RemoveDirectory | RemoveFile | MakeCharacterDevice | MakeDirectory | MakeRegularFile
        | MakeSocket | MakeFifo | MakeBlockDevice | MakeSymlink | Refer | Truncate,

    /// <summary>The rights that apply to a file rather than a directory.</summary>
    FileRights = Execute | WriteFile | ReadFile | Truncate | IoctlDevice,
}
