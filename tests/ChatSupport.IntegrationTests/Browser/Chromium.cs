using Microsoft.Playwright;

namespace ChatSupport.IntegrationTests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright, one browser for the whole "Browser" collection (each test gets its own
/// context: no cookies or storage shared). Playwright's own browser download is never used: the machine's
/// <c>/usr/bin/chromium</c> is (infra/test.sh installs it; <c>CHATSUPPORT_CHROMIUM</c> names another). Without it
/// the tests fail, never skip.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>Headless, no sandbox (containers run as root), and nothing that calls out to Google.</summary>
    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHATSUPPORT_CHROMIUM") is { Length: > 0 } path ? path : DefaultPath;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ExecutablePath),
            $"No Chromium at {ExecutablePath}: run the tests with `bash infra/test.sh` (it installs Debian's chromium) or `apt-get install -y chromium`.");
        // Slow machines (two cores shared by the whole test suite): Playwright's five-second expectations are too short.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Args,
            Timeout = 60_000,
        });
    }

    /// <summary>
    /// A fresh page of the given width, in Japanese and Tokyo time, as a phone (touch) when narrow. When it is closed, its
    /// last state is saved as <c>screenshots/last-{test}.png</c>: what a failed test saw.
    /// </summary>
    public async Task<BrowserPage> OpenAsync(Uri baseUrl, int width, int height = 740, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "ja-JP",
            TimezoneId = "Asia/Tokyo",
            HasTouch = width < 768,
            IsMobile = width < 768,
            DeviceScaleFactor = 1,
        });
        context.SetDefaultTimeout(30_000);
        return new BrowserPage(context, await context.NewPageAsync(), "last-" + test);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Browser";
}

/// <summary>A page in its own browser context, with the script errors it raised (a test asserts there were none).</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly List<string> _scriptErrors = [];

    private readonly string _lastScreenshot;

    public BrowserPage(IBrowserContext context, IPage page, string lastScreenshot)
    {
        Context = context;
        Page = page;
        _lastScreenshot = lastScreenshot;
        page.PageError += (_, error) => { lock (_scriptErrors) _scriptErrors.Add(error); };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public IReadOnlyList<string> ScriptErrors
    {
        get { lock (_scriptErrors) return [.. _scriptErrors]; }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Page.ScreenshotAsync(_lastScreenshot);
        }
        catch (PlaywrightException)
        {
            // A page that crashed has nothing to show; closing it matters more.
        }
        await Context.CloseAsync();
    }
}
