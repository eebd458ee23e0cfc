using System.Globalization;
using ChatSupport.Residents;

namespace ChatSupport.Dialogs.Prompts;

/// <summary>The engine's own words, in Japanese first and English.</summary>
public sealed record PromptTexts(
    CultureInfo Culture,
    string Done,
    string[] DoneInputs,
    string SelectedSoFar,
    string NothingSelected,
    string NothingSelectedDone,
    string NoneApplies,
    string Unselected,
    string Skip,
    string SameAsBefore,
    string Retry,
    string ListSeparator)
{
    public static readonly PromptTexts Japanese = new(
        CultureInfo.GetCultureInfo("ja-JP"),
        Done: "回答終了",
        DoneInputs: ["回答終了", "終了", "完了", "おわり", "終わり", "done", "ok"],
        SelectedSoFar: "選択中：{0}\n他にもあれば選んでください。選び終わったら「回答終了」を押してください。",
        NothingSelected: "いまは何も選ばれていません。当てはまるものを選んでください。",
        NothingSelectedDone: "まだ何も選ばれていません。当てはまるものをすべて選んでから、「回答終了」を押してください。",
        NoneApplies: "当てはまるものがなければ「{0}」を押してください。",
        Unselected: "「{0}」を取り消しました。",
        Skip: "スキップ",
        SameAsBefore: "前回と同じ",
        Retry: "すみません、お答えを読み取れませんでした。もう一度お願いします。",
        ListSeparator: "、");

    public static readonly PromptTexts English = new(
        CultureInfo.GetCultureInfo("en-US"),
        Done: "Done",
        DoneInputs: ["done", "finish", "finished", "ok", "回答終了"],
        SelectedSoFar: "Selected: {0}\nChoose any others that apply, then tap \"Done\".",
        NothingSelected: "Nothing is selected now. Please choose the ones that apply.",
        NothingSelectedDone: "Nothing is selected yet. Choose all that apply, then tap \"Done\".",
        NoneApplies: "If none of them applies, tap \"{0}\".",
        Unselected: "\"{0}\" is no longer selected.",
        Skip: "Skip",
        SameAsBefore: "Same as last time",
        Retry: "Sorry, I could not read that answer. Please try again.",
        ListSeparator: ", ");

    /// <summary>Texts for a locale such as "en-US" or "ja"; Japanese unless English is asked for.</summary>
    public static PromptTexts For(string? locale) => IsEnglish(locale) ? English : Japanese;

    /// <summary>The engine speaks Japanese, and English to residents whose channel asks for it ("en", "en-US").</summary>
    public static bool IsEnglish(string? locale) => Locales.IsEnglish(locale);
}
