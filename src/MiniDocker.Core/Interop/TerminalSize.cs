using System.Runtime.InteropServices;
using Tmds.Linux;

namespace MiniDocker.Interop;

/// <summary>A terminal's size in characters, set on its master side: the program on the other side gets SIGWINCH.</summary>
internal static unsafe class TerminalSize
{
    private const int TIOCSWINSZ = 0x5414;

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows, Columns, XPixels, YPixels;
    }

    /// <exception cref="ArgumentOutOfRangeException">A size outside 1–65535.</exception>
    /// <exception cref="LinuxSyscallException">The kernel refused (the terminal is gone).</exception>
    public static void Set(SafeHandle master, int columns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, ushort.MaxValue);
        var size = new WindowSize { Rows = (ushort)rows, Columns = (ushort)columns };
        bool added = false;
        try
        {
            master.DangerousAddRef(ref added);
            if (LibC.ioctl((int)master.DangerousGetHandle(), TIOCSWINSZ, &size) < 0)
                throw new LinuxSyscallException($"Resizing the terminal to {columns}x{rows} failed: {Errno.Describe(Errno.Last)} (ioctl TIOCSWINSZ).", Errno.Last);
        }
        finally
        {
            if (added) master.DangerousRelease();
        }
    }
}
