using System.Text.RegularExpressions;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>minidocker-server's dashboard in headless Chromium, over the token-guarded TCP listener.</summary>
public sealed partial class DashboardTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private const string Row = "document.querySelector('#containers tr[data-name=\"dash-ticker\"]')";

    [GeneratedRegex(@"tick (\d+)")]
    private static partial Regex Tick();

    [Fact]
    public async Task The_dashboard_lists_a_running_container_graphs_it_tails_its_log_and_its_stop_button_stops_it()
    {
        const string token = "the-dashboard-test-token";
        await using var server = await ApiServer.StartWithTcpAsync(env, token);
        var run = await server.DockerAsync("run", "-d", "--name", "dash-ticker", "localhost/layered:1",
            "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.3; done");
        // Something to graph: a second container that works and holds memory.
        Assert.Equal(0, (await server.DockerAsync("run", "-d", "--name", "dash-busy", "localhost/layered:1",
            "sh", "-c", "while true; do head -c 2000000 /dev/urandom | md5sum >/dev/null; sleep 0.2; done")).ExitCode);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, (await server.DockerAsync("create", "--name", "dash-created", "localhost/layered:1", "true")).ExitCode);

        await using var browser = await HeadlessChromium.LaunchAsync(env.Scratch, Cancel);
        // The token once in the address; the page then works from the cookie it sets.
        await browser.NavigateAsync($"{server.TcpAddress}?token={token}", Cancel);
        await browser.UntilAsync($"{Row}?.dataset.state === 'running'", TimeSpan.FromSeconds(30), Cancel);
        Assert.Equal("created", (await browser.EvaluateAsync("document.querySelector('#containers tr[data-name=\"dash-created\"]').dataset.state", Cancel)).GetString());
        Assert.DoesNotContain(token, (await browser.EvaluateAsync("location.href", Cancel)).GetString());
        Assert.Contains("localhost/layered:1", (await browser.EvaluateAsync("document.getElementById('images').innerText", Cancel)).GetString());

        // Live graphs: readings arrive over the stats WebSocket and show a memory figure.
        await browser.UntilAsync($"Number({Row}.dataset.samples) >= 6", TimeSpan.FromSeconds(30), Cancel);
        Assert.Matches(@"\d+(\.\d)? (B|KiB|MiB)", (await browser.EvaluateAsync($"{Row}.querySelector('canvas.memory').nextSibling.textContent", Cancel)).GetString());

        // The log tail follows the container's output over attach/ws.
        await browser.EvaluateAsync($"{Row}.querySelector('button.logs').click()", Cancel);
        await browser.UntilAsync("/tick \\d+/.test(document.getElementById('log').textContent)", TimeSpan.FromSeconds(30), Cancel);
        int first = LastTick(await browser.EvaluateAsync("document.getElementById('log').textContent", Cancel));
        await browser.UntilAsync($"[...document.getElementById('log').textContent.matchAll(/tick (\\d+)/g)].some(m => Number(m[1]) > {first + 2})", TimeSpan.FromSeconds(30), Cancel);

        var screenshot = await browser.ScreenshotAsync(Cancel);
        Assert.True(screenshot.Length > 10_000 && screenshot.AsSpan(0, 8).SequenceEqual(PngSignature), "The screenshot is not a PNG of the page.");
        // docs/dashboard.png is made this way: MINIDOCKER_DASHBOARD_SCREENSHOT=docs/dashboard.png.
        if (Environment.GetEnvironmentVariable("MINIDOCKER_DASHBOARD_SCREENSHOT") is { Length: > 0 } path) await File.WriteAllBytesAsync(path, screenshot, Cancel);

        await browser.EvaluateAsync($"{Row}.querySelector('button.stop').click()", Cancel);
        await browser.UntilAsync($"{Row}?.dataset.state === 'exited'", TimeSpan.FromSeconds(30), Cancel);
        var state = await server.DockerAsync("inspect", "--format", "{{.State.Status}}", "dash-ticker");
        Assert.Equal("exited\n", state.Stdout);
    }

    [Fact]
    public async Task The_dashboard_pulls_an_image_with_a_progress_bar_and_removes_it()
    {
        const string token = "the-dashboard-test-token";
        await using var server = await ApiServer.StartWithTcpAsync(env, token);
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        var reference = $"{registry.Host}/dashboard/busybox:1";
        await server.Engine.Images.TagAsync("localhost/layered:1", reference, Cancel);
        await server.Engine.Images.PushAsync(reference, cancellationToken: Cancel);
        await server.Engine.Images.RemoveAsync(reference, cancellationToken: Cancel);
        await server.Engine.Images.RemoveAsync("localhost/layered:1", force: true, cancellationToken: Cancel);

        await using var browser = await HeadlessChromium.LaunchAsync(env.Scratch, Cancel);
        await browser.NavigateAsync($"{server.TcpAddress}?token={token}", Cancel);
        await browser.UntilAsync("document.getElementById('version').textContent.includes('1.41')", TimeSpan.FromSeconds(30), Cancel);
        await browser.EvaluateAsync($"document.getElementById('pull-ref').value = '{reference}'; document.querySelector('#pull button').click()", Cancel);
        var row = $"document.querySelector('#images tr[data-tag=\"{reference}\"]')";
        await browser.UntilAsync($"{row} !== null", TimeSpan.FromSeconds(60), Cancel);

        var bar = await browser.EvaluateAsync("[document.getElementById('pull-progress').value, document.getElementById('pull-progress').max]", Cancel);
        Assert.True(bar[1].GetDouble() > 1000 && bar[0].GetDouble() == bar[1].GetDouble(), $"The progress bar stopped at {bar[0]} of {bar[1]} bytes.");
        Assert.Contains("Status: Image is up to date", (await browser.EvaluateAsync("document.getElementById('pull-status').textContent", Cancel)).GetString());
        Assert.NotNull(await server.Engine.Images.TryGetAsync(reference, Cancel));

        await browser.EvaluateAsync($"{row}.querySelector('button.remove').click()", Cancel);
        await browser.UntilAsync($"{row} === null", TimeSpan.FromSeconds(30), Cancel);
        Assert.Null(await server.Engine.Images.TryGetAsync(reference, Cancel));
    }

    private static int LastTick(System.Text.Json.JsonElement log) => Tick().Matches(log.GetString()!).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Last();
}
