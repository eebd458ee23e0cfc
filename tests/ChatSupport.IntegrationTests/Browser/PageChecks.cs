using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ChatSupport.IntegrationTests.Browser;

/// <summary>What every page of ChatSupport must pass, whatever it shows: checked in the browser as it is rendered.</summary>
public static class PageChecks
{
    /// <summary>
    /// Nothing scrolls sideways; the message names the elements that stick out. Measured against the viewport the test
    /// asked for as well as <c>innerWidth</c>: a phone (IsMobile) widens the layout to fit content that overflows.
    /// </summary>
    public static async Task AssertNoHorizontalOverflowAsync(this IPage page)
    {
        var result = await page.EvaluateAsync<JsonElement>("""
            (viewport) => {
              const width = Math.min(window.innerWidth, viewport);
              const wide = [...document.querySelectorAll("body *")]
                .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 0.5)
                .slice(0, 10).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className && typeof e.className === "string" ? "." + e.className.trim().replace(/\s+/g, ".") : ""} (right ${Math.round(e.getBoundingClientRect().right)})`);
              return { scrollWidth: document.scrollingElement.scrollWidth, width, wide };
            }
            """, page.ViewportSize?.Width ?? int.MaxValue);
        var scrollWidth = result.GetProperty("scrollWidth").GetInt32();
        var width = result.GetProperty("width").GetInt32();
        Assert.True(scrollWidth <= width,
            $"The page scrolls sideways: {scrollWidth} px wide in a {width} px window. Too wide: {string.Join(", ", result.GetProperty("wide").EnumerateArray())}");
    }

    /// <summary>Every visible control (button, select, input, link) is at least <paramref name="minimum"/> px high and wide.</summary>
    public static async Task AssertTapTargetsAsync(this IPage page, int minimum = 44)
    {
        var small = await page.EvaluateAsync<string[]>("""
            (minimum) => [...document.querySelectorAll("button, select, input:not([type=hidden]), a[href], [role=button]")]
              .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
              .map(e => [e, e.getBoundingClientRect()])
              .filter(([, r]) => r.width < minimum || r.height < minimum)
              .map(([e, r]) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} "${(e.textContent || e.value || "").trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`)
            """, minimum);
        Assert.True(small.Length == 0, $"Tap targets under {minimum} px: {string.Join("; ", small)}");
    }

    /// <summary>Text in the given elements is at least <paramref name="minimumPx"/> px (older residents read it).</summary>
    public static async Task AssertFontSizeAtLeastAsync(this IPage page, string selector, double minimumPx)
    {
        var sizes = await page.EvaluateAsync<double[]>("(s) => [...document.querySelectorAll(s)].map(e => parseFloat(getComputedStyle(e).fontSize))", selector);
        Assert.NotEmpty(sizes);
        Assert.True(sizes.All(s => s >= minimumPx), $"'{selector}' has text of {sizes.Min()} px, under {minimumPx} px.");
    }

    /// <summary>axe-core finds no serious or critical violation (contrast, names, labels, lang, …) on the page as shown now.</summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, "axe-core: " + string.Join("\n", bad.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html).Take(5))}")));
    }

    /// <summary>
    /// A screenshot of the whole page into <c>screenshots/</c> under the test output (and into <c>CHATSUPPORT_SCREENSHOTS</c>
    /// when that names a folder), for a person to look at. Returns its path.
    /// </summary>
    public static async Task<string> ScreenshotAsync(this IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (Environment.GetEnvironmentVariable("CHATSUPPORT_SCREENSHOTS") is { Length: > 0 } copies)
        {
            Directory.CreateDirectory(copies);
            File.Copy(path, Path.Combine(copies, name + ".png"), overwrite: true);
        }
        return path;
    }
}
