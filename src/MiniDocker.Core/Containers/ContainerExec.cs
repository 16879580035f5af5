using MiniDocker.Execution;

namespace MiniDocker.Containers;

/// <summary>
/// A command running in a container (<see cref="Container.StartExecAsync"/>): its output as it
/// comes, its stdin, its exit code. With a terminal, everything it writes comes through
/// <see cref="Stdout"/> and <see cref="Stdin"/> writes to the terminal.
/// </summary>
public sealed class ContainerExec : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly FileStream? _terminal;

    internal ContainerExec(ChildProcess process, Stream stdout, Stream stderr, Stream? stdin, FileStream? terminal = null)
    {
        _process = process;
        _terminal = terminal;
        Stdout = stdout;
        Stderr = stderr;
        Stdin = stdin;
    }

    /// <summary>The host pid of the command's process.</summary>
    public int Pid => _process.Pid;

    /// <summary>What it writes to stdout (and, with a terminal, everything it shows); ends when it exits.</summary>
    public Stream Stdout { get; }

    /// <summary>What it writes to stderr; empty with a terminal.</summary>
    public Stream Stderr { get; }

    /// <summary>Its stdin (or terminal), with <see cref="ExecOptions.Stdin"/> or <see cref="ExecOptions.Tty"/>; disposing it sends end-of-file through a pipe.</summary>
    public Stream? Stdin { get; }

    /// <summary>Waits for it to end; returns its exit code (128+n when killed by signal n).</summary>
    public async Task<int> WaitAsync(CancellationToken cancellationToken = default) =>
        (await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false)).ShellCode;

    /// <summary>Sets the size of its terminal; it gets SIGWINCH.</summary>
    /// <exception cref="InvalidOperationException">It has no terminal (<see cref="ExecOptions.Tty"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size outside 1–65535.</exception>
    public void ResizeTerminal(int columns, int rows)
    {
        if (_terminal is null) throw new InvalidOperationException("This exec has no terminal to resize; start it with ExecOptions.Tty.");
        Interop.TerminalSize.Set(_terminal.SafeFileHandle, columns, rows);
    }

    /// <summary>Sends it a signal; false when it had already ended.</summary>
    public bool Kill(Signal signal = Signal.SIGKILL) => _process.Signal((int)signal);

    /// <summary>Kills it if it still runs and releases its streams.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Signal((int)Signal.SIGKILL);
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        if (Stdin is not null) await Stdin.DisposeAsync().ConfigureAwait(false);
        await Stdout.DisposeAsync().ConfigureAwait(false);
        await Stderr.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
