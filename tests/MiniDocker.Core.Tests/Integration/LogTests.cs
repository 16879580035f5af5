using System.Text.Json;
using MiniDocker.Containers;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>Container output as Docker's json-file driver keeps it: stream tags, times, rotation, tail and follow.</summary>
public sealed class LogTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_line_is_a_json_object_with_its_stream_and_time_and_tail_returns_exactly_the_last_lines()
    {
        await using var test = env.CreateEngine();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var container = await test.Busybox(env.Rootfs)
            .WithCommand("/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do echo out $i; done; echo err >&2; printf 'no newline'").StartAsync(Cancel);
        await container.WaitAsync(Cancel);

        var raw = File.ReadAllLines(container.LogPath);
        var tail = await container.GetLogsAsync(new LogOptions { Tail = 5 }, Cancel);
        var stdoutOnly = await container.GetLogsAsync(new LogOptions { Stderr = false, Tail = 2 }, Cancel);
        var all = await container.GetLogsAsync(Cancel);

        Assert.Equal(12, raw.Length);
        using (var first = JsonDocument.Parse(raw[0]))
        {
            Assert.Equal("out 1\n", first.RootElement.GetProperty("log").GetString());
            Assert.Equal("stdout", first.RootElement.GetProperty("stream").GetString());
            Assert.InRange(first.RootElement.GetProperty("time").GetDateTimeOffset(), before, DateTimeOffset.UtcNow);
        }
        Assert.Equal(["out 8\n", "out 9\n", "out 10\n", "err\n", "no newline"], tail.Select(l => l.Text));
        Assert.Equal(ContainerOutput.Stderr, tail[3].Stream);
        Assert.Equal(["out 10\n", "no newline"], stdoutOnly.Select(l => l.Text));
        Assert.Equal("err\n", all.Stderr);
        Assert.StartsWith("out 1\nout 2\n", all.Stdout);
    }

    [Fact]
    public async Task Rotation_keeps_every_file_under_the_limit_while_the_container_writes_continuously()
    {
        const long limit = 16 * 1024;
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithLogRotation(limit, 3)
            .WithCommand("/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo \"line number $i of a container that keeps writing\"; i=$((i+1)); done").StartAsync(Cancel);
        long largest = 0;
        int samples = 0;
        while (container.Status == ContainerStatus.Running)
        {
            foreach (var file in Directory.EnumerateFiles(container.StateDirectory, "container.log*"))
            {
                try
                {
                    largest = Math.Max(largest, new FileInfo(file).Length);
                }
                catch (FileNotFoundException)
                {
                }
            }
            samples++;
            await Task.Delay(5, Cancel);
        }
        await container.WaitAsync(Cancel);

        var files = Directory.EnumerateFiles(container.StateDirectory, "container.log*").Order().ToList();
        var last = await container.GetLogsAsync(new LogOptions { Tail = 1 }, Cancel);

        Assert.True(samples > 3, "the container ended before its log could be watched");
        Assert.InRange(largest, 1, limit);
        Assert.Equal(["container.log", "container.log.1", "container.log.2"], files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, limit));
        Assert.Equal("line number 19999 of a container that keeps writing\n", Assert.Single(last).Text);
    }

    [Fact]
    public async Task Following_yields_lines_as_they_are_written_and_ends_with_the_container()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs)
            .WithCommand("/bin/sh", "-c", "echo first; sleep 0.3; echo second >&2; sleep 0.3; echo third").StartAsync(Cancel);
        var seen = new List<(TimeSpan, string)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await foreach (var line in container.FollowLogsAsync(cancellationToken: Cancel))
            seen.Add((clock.Elapsed, line.Text));

        Assert.Equal(["first\n", "second\n", "third\n"], seen.Select(s => s.Item2));
        Assert.True(seen[2].Item1 - seen[0].Item1 > TimeSpan.FromMilliseconds(400), "the lines came all at once, not as written");
        Assert.Equal(ContainerStatus.Exited, container.Status);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_replaced_and_every_line_stays_valid_json()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs)
            .WithCommand("/bin/sh", "-c", "printf 'bad \\377\\376 bytes, good \\303\\251 \"quoted\" \\\\ tab\\t\\n'").StartAsync(Cancel);
        await container.WaitAsync(Cancel);

        var line = Assert.Single(await container.GetLogsAsync(new LogOptions(), Cancel));

        Assert.Equal("bad \uFFFD\uFFFD bytes, good é \"quoted\" \\ tab\t\n", line.Text);
    }
}
