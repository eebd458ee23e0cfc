using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatSupport.IntegrationTests.Browser;

/// <summary>
/// The chat page (GET /) in Debian's Chromium against the real host, as an older resident on a 360 px phone uses it:
/// tapping buttons and typing, with nothing scrolling sideways, tap targets of 44 px or more, the default questionnaire
/// chosen, chosen options marked, a failure explained in Japanese and English without losing what was typed, and no
/// serious or critical axe-core finding. Screenshots go to <c>screenshots/</c> in the test output.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(Chromium chromium)
{
    private const int Phone = 360, PhoneHeight = 740;

    [Fact]
    public async Task TheSelfCheck_IsAnsweredAt360Px_ByTappingAndTyping()
    {
        await using var host = await BrowserHost.StartAsync();
        await using var browser = await chromium.OpenAsync(host.BaseUrl, Phone, PhoneHeight);
        var page = browser.Page;
        await page.GotoAsync("/");

        // The configured default is chosen; the follow-up, which the service sends itself, is offered last in its own group.
        await Expect(page.Locator("#questionnaire")).ToHaveValueAsync("covid19-selfcheck");
        Assert.Equal("covid19-followup", await page.Locator("#questionnaire > optgroup > option").Last.GetAttributeAsync("value"));
        Assert.Equal("covid19-followup", await page.Locator("#questionnaire option").Last.GetAttributeAsync("value"));
        await Expect(page.Locator(".hint")).ToContainTextAsync("「新型コロナ 体調チェック」を始めるには「はじめる」を押してください。");
        var header = await page.Locator("header").BoundingBoxAsync();
        Assert.InRange(header!.Height, 0, PhoneHeight * 0.2);
        await CheckAsync(page, "chat-1-start-360");

        await page.GetByRole(AriaRole.Button, new() { Name = "はじめる" }).ClickAsync();
        await Expect(page.Locator(".bubble.bot").First).ToContainTextAsync("同意いただける場合");
        await TapAsync(page, "同意する");
        await TapAsync(page, "今日から");                       // fever
        await TapAsync(page, "無し");                           // tiredness
        await TypeAsync(page, "72");                            // age
        await TapAsync(page, "女性");
        await TapAsync(page, "無職");

        // Several answers: each tap marks (and a second tap unmarks) its option, and the selection is written out.
        await TapAsync(page, "糖尿病");
        await TapAsync(page, "心臓に関する病気");
        await TapAsync(page, "糖尿病");
        await Expect(Option(page, "心臓に関する病気")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Option(page, "糖尿病")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(Option(page, "妊娠中")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(page.Locator("#choices .selection")).ToHaveTextAsync("選んだもの：心臓に関する病気");
        await CheckAsync(page, "chat-2-multiple-choice-360");
        await TapAsync(page, "回答終了");

        await TypeAsync(page, "2200012");                       // postal code
        await TapAsync(page, "石けんで手洗い");
        await TapAsync(page, "定期的な換気");
        await Expect(page.Locator("#choices .selection")).ToHaveTextAsync("選んだもの：石けんで手洗い、定期的な換気");
        await TapAsync(page, "回答終了");

        // Fever since today, 72, heart disease: the advice for those at higher risk, then the closing words.
        await Expect(page.Locator(".bubble.bot").Filter(new() { HasText = "重症化しやすい方に当てはまります" })).ToBeVisibleAsync();
        await Expect(page.Locator(".bubble.bot").Last).ToContainTextAsync("ご回答ありがとうございました");
        await Expect(page.Locator(".bubble.bot").Last).ToHaveAttributeAsync("lang", "ja");
        await page.AssertFontSizeAtLeastAsync(".bubble", 16);
        await CheckAsync(page, "chat-3-finished-360");

        await page.SetViewportSizeAsync(1280, 800);
        await CheckAsync(page, "chat-4-finished-1280");
        var wideHeader = await page.Locator("header").BoundingBoxAsync();
        Assert.InRange(wideHeader!.Height, 0, 80);
        Assert.Empty(browser.ScriptErrors);
    }

    [Fact]
    public async Task AServerError_SaysWhatToDo_InJapaneseAndEnglish_AndKeepsWhatWasTyped()
    {
        await using var host = await BrowserHost.StartAsync();
        await using var browser = await chromium.OpenAsync(host.BaseUrl, Phone, PhoneHeight);
        var page = browser.Page;
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "はじめる" }).ClickAsync();
        await TapAsync(page, "同意する");
        await TapAsync(page, "無し");
        await TapAsync(page, "無し");

        host.Fail("/api/messages");
        await TypeAsync(page, "72");

        var error = page.GetByRole(AriaRole.Alert);
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("サーバーで問題が起きたため、送れませんでした。入力した内容は消えていません。「もう一度送る」を押してください。");
        await Expect(error.Locator("[lang=en]").First).ToContainTextAsync("Something went wrong on our side");
        await Expect(error.GetByRole(AriaRole.Button, new() { Name = "もう一度送る Try again" })).ToBeVisibleAsync();
        await Expect(page.Locator("#text")).ToHaveValueAsync("72");
        await Expect(page.Locator(".bubble.me").Last).ToContainTextAsync("未送信");
        await Expect(page.Locator(".bubble.me").Last).ToBeInViewportAsync();
        await CheckAsync(page, "chat-5-server-error-360");

        host.Fail(null);
        await page.RunAndWaitForResponseAsync(() => error.GetByRole(AriaRole.Button).ClickAsync(), r => r.Url.EndsWith("/api/messages", StringComparison.Ordinal));
        await Expect(page.Locator(".typing")).ToHaveCountAsync(0);
        await Expect(error).ToBeHiddenAsync();
        await Expect(page.Locator("#text")).ToHaveValueAsync("");
        await Expect(page.Locator(".bubble.me").Last).Not.ToContainTextAsync("未送信");
        await Expect(Option(page, "女性")).ToBeVisibleAsync();     // the next question: the age was taken
        Assert.Empty(browser.ScriptErrors);
    }

    [Fact]
    public async Task ALostConnection_AtTheStart_IsExplained_AndTheStartIsSentAgain()
    {
        await using var host = await BrowserHost.StartAsync();
        await using var browser = await chromium.OpenAsync(host.BaseUrl, Phone, PhoneHeight);
        var page = browser.Page;
        await page.GotoAsync("/");
        await Expect(page.Locator("#questionnaire")).ToHaveValueAsync("covid19-selfcheck");

        await page.RouteAsync("**/api/messages", route => route.AbortAsync("internetdisconnected"));
        await page.GetByRole(AriaRole.Button, new() { Name = "はじめる" }).ClickAsync();
        var error = page.GetByRole(AriaRole.Alert);
        await Expect(error).ToContainTextAsync("通信できませんでした。インターネットにつながっているか確かめてください。");
        await Expect(error).ToContainTextAsync("We could not connect.");

        await page.UnrouteAllAsync();
        await error.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator(".bubble.bot").First).ToContainTextAsync("同意いただける場合");
        await Expect(error).ToBeHiddenAsync();
        Assert.Empty(browser.ScriptErrors);
    }

    [Fact]
    public async Task InEnglish_TheQuestionsAndTitlesAreEnglish_AndMarkedSo()
    {
        await using var host = await BrowserHost.StartAsync();
        await using var browser = await chromium.OpenAsync(host.BaseUrl, Phone, PhoneHeight);
        var page = browser.Page;
        await page.GotoAsync("/");
        await Expect(page.Locator("#questionnaire")).ToHaveValueAsync("covid19-selfcheck");

        await page.Locator("#locale").SelectOptionAsync("en-US");
        await Expect(page.Locator("#questionnaire option[value=covid19-selfcheck]")).ToHaveTextAsync("COVID-19 self-check");
        await page.GetByRole(AriaRole.Button, new() { Name = "はじめる Start" }).ClickAsync();
        await Expect(page.Locator(".bubble.bot").First).ToContainTextAsync("If you agree");
        await Expect(page.Locator(".bubble.bot").First).ToHaveAttributeAsync("lang", "en");
        await TapAsync(page, "I agree");
        await TapAsync(page, "No");
        await TapAsync(page, "No");
        await TypeAsync(page, "45");
        await TapAsync(page, "Skip");
        await TapAsync(page, "Student");
        await TapAsync(page, "Diabetes");
        await Expect(Option(page, "Diabetes")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#choices .selection")).ToHaveTextAsync("Chosen: Diabetes");
        await CheckAsync(page, "chat-6-english-360");
        Assert.Empty(browser.ScriptErrors);
    }

    [Fact]
    public async Task TheConfiguredDefault_IsPreselected()
    {
        await using var host = await BrowserHost.StartAsync(defaultQuestionnaire: "elderly-watch");
        await using var browser = await chromium.OpenAsync(host.BaseUrl, Phone, PhoneHeight);
        await browser.Page.GotoAsync("/");

        await Expect(browser.Page.Locator("#questionnaire")).ToHaveValueAsync("elderly-watch");
    }

    private static ILocator Option(IPage page, string name) =>
        page.Locator("#choices").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>Taps a button of the current question and waits until its reply is shown.</summary>
    [Fact]
    public async Task APreviewLink_RunsTheDraft_UnderABanner_WhileTheChatPageOffersThePublishedOne()
    {
        await using var host = await BrowserHost.StartAsync();
        using var staff = host.Host.CreateClient();
        staff.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WebHost.StaffKey);
        var published = await staff.GetStringAsync("/api/staff/questionnaires/covid19-selfcheck/versions/published");
        var changed = published.Replace("ja: 37.5℃以上の発熱はありますか？", "ja: 【下書き】37.5℃以上の発熱はありますか？", StringComparison.Ordinal);
        Assert.NotEqual(published, changed);
        var draft = await staff.PostAsync("/api/staff/questionnaires/covid19-selfcheck/drafts", new StringContent(changed, System.Text.Encoding.UTF8, "text/yaml"));
        Assert.Equal(System.Net.HttpStatusCode.Created, draft.StatusCode);
        var version = (int)(await draft.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["version"]!;
        var preview = await staff.PostAsync($"/api/staff/questionnaires/covid19-selfcheck/versions/{version}/preview", null);
        Assert.Equal(System.Net.HttpStatusCode.Created, preview.StatusCode);
        var url = (string)(await preview.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["url"]!;
        Assert.StartsWith("/#preview=", url, StringComparison.Ordinal);

        await using var browser = await chromium.OpenAsync(host.BaseUrl, Phone, PhoneHeight);
        var page = browser.Page;
        await page.GotoAsync(url);
        await Expect(page.Locator("#preview-banner")).ToContainTextAsync($"プレビュー：covid19-selfcheck 第{version}版（住民には届きません）");
        await Expect(page.Locator("#setup")).ToBeHiddenAsync();
        await Expect(page.Locator(".bubble.bot").First).ToContainTextAsync("住民には届きません"); // said in the conversation too
        await Expect(page.Locator(".bubble.bot").Filter(new() { HasText = "同意いただける場合" })).ToBeVisibleAsync();
        await CheckAsync(page, "preview-1-consent-360");
        await TapAsync(page, "同意する");
        await Expect(page.Locator(".bubble.bot").Last).ToContainTextAsync("【下書き】37.5℃以上の発熱はありますか？");
        await CheckAsync(page, "preview-2-draft-question-360");
        await page.SetViewportSizeAsync(1280, 800);
        await CheckAsync(page, "preview-3-draft-question-1280");

        // The same page without the link is the residents' page: the published version, no banner.
        var resident = await browser.Page.Context.NewPageAsync();
        await resident.GotoAsync("/");
        await resident.GetByRole(AriaRole.Button, new() { Name = "はじめる" }).ClickAsync();
        await Expect(resident.Locator(".bubble.bot").First).ToContainTextAsync("同意いただける場合");
        await Option(resident, "同意する").ClickAsync();
        await Expect(resident.Locator(".bubble.bot").Last).ToContainTextAsync("37.5℃以上の発熱はありますか？");
        await Expect(resident.Locator(".bubble.bot").Last).Not.ToContainTextAsync("【下書き】");
        await Expect(resident.Locator("#preview-banner")).ToBeHiddenAsync();

        // A link that opens nothing says so, and starts nothing.
        var stale = await browser.Page.Context.NewPageAsync();
        await stale.GotoAsync("/#preview=not-a-token");
        await Expect(stale.Locator(".bubble.bot").First).ToBeVisibleAsync();
        await Expect(stale.Locator("#preview-banner")).ToBeHiddenAsync();
        await Expect(stale.Locator(".bubble.bot")).Not.ToContainTextAsync(["同意いただける場合"]);
        await stale.ScreenshotAsync("preview-4-invalid-link-360");
        Assert.Empty(browser.ScriptErrors);
    }

    private static async Task TapAsync(IPage page, string name)
    {
        var button = Option(page, name);
        await page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Url.EndsWith("/api/messages", StringComparison.Ordinal));
        await Expect(page.Locator(".typing")).ToHaveCountAsync(0);
    }

    /// <summary>Types into the message box, sends with Enter, and waits until the reply is shown.</summary>
    private static async Task TypeAsync(IPage page, string text)
    {
        await page.Locator("#text").FillAsync(text);
        await page.RunAndWaitForResponseAsync(() => page.Locator("#text").PressAsync("Enter"), r => r.Url.EndsWith("/api/messages", StringComparison.Ordinal));
        await Expect(page.Locator(".typing")).ToHaveCountAsync(0);
    }

    /// <summary>The checks every state of the page must pass, and a screenshot of it.</summary>
    private static async Task CheckAsync(IPage page, string screenshot)
    {
        await page.AssertNoHorizontalOverflowAsync();
        await page.AssertTapTargetsAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync(screenshot);
    }
}
