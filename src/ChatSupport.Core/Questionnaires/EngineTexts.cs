namespace ChatSupport.Questionnaires;

/// <summary>What the engine itself says (questionnaires bring their own texts), in natural Japanese and English.</summary>
public sealed record EngineTexts(
    string Yes, string No, string Today, string Yesterday,
    string RetryChoice, string RetryList, string RetryNumber, string RetryNumberRange, string RetryDate, string RetryPostalCode,
    string RetryText, string RetryYesNo, string PreviousAnswer,
    string Help, string FollowUpsStopped, string DeleteConfirm, string Deleted, string DeleteCancelled,
    string Abandoned, string QuestionnaireUpdated, string WelcomeBack, string SummaryTitle,
    string FollowUpPrompt, string FollowUpReminder, string AnswerButton)
{
    public static readonly EngineTexts Japanese = new(
        Yes: "はい", No: "いいえ", Today: "今日", Yesterday: "昨日",
        RetryChoice: "選択肢のボタンを押してください。",
        RetryList: "当てはまるものの番号を入力してください。",
        RetryNumber: "数字で入力してください。",
        RetryNumberRange: "{0}から{1}までの数字で入力してください。",
        RetryDate: "日付を「11/20」「11月20日」「昨日」のように入力してください。",
        RetryPostalCode: "郵便番号を7桁の数字で入力してください（例：220-0012）。",
        RetryText: "{0}文字以内で入力してください。",
        RetryYesNo: "「はい」か「いいえ」でお答えください。",
        PreviousAnswer: "（前回のお答え：{0}）",
        Help: "質問にはボタンを押すか、文字や数字を入力してお答えください。\n・「やり直し」：最初からやり直す\n・「配信停止」：毎日の確認メッセージを止める\n・「データ削除」：あなたの回答をすべて削除する",
        FollowUpsStopped: "確認メッセージの配信を停止しました。これまでの回答は残っています。再開するときは「開始」と送ってください。",
        DeleteConfirm: "あなたの回答と登録情報をすべて削除します。よろしいですか？",
        Deleted: "あなたの回答と登録情報を削除しました。ご利用ありがとうございました。",
        DeleteCancelled: "削除を取りやめました。",
        Abandoned: "お答えを読み取れなかったため、質問を中断しました。「やり直し」と送ると最初から始められます。",
        QuestionnaireUpdated: "質問の内容が新しくなりました。お手数ですが、はじめからお答えください。",
        WelcomeBack: "おかえりなさい。途中の質問から続けます。",
        SummaryTitle: "今回の回答",
        FollowUpPrompt: "体調の確認のご連絡です。現在の体調はいかがですか。",
        FollowUpReminder: "本日の体調の確認にまだお答えいただいていません。お手数ですが、下のボタンからお答えください。",
        AnswerButton: "回答する");

    public static readonly EngineTexts English = new(
        Yes: "Yes", No: "No", Today: "Today", Yesterday: "Yesterday",
        RetryChoice: "Please tap one of the buttons.",
        RetryList: "Please type the number of your answer.",
        RetryNumber: "Please answer with a number.",
        RetryNumberRange: "Please answer with a number from {0} to {1}.",
        RetryDate: "Please type a date such as \"11/20\", \"2026-11-20\" or \"yesterday\".",
        RetryPostalCode: "Please type your 7-digit postal code (for example 220-0012).",
        RetryText: "Please answer in {0} characters or fewer.",
        RetryYesNo: "Please answer \"yes\" or \"no\".",
        PreviousAnswer: "(Last time you answered: {0})",
        Help: "Answer by tapping a button or typing text or a number.\n- \"restart\": start again from the beginning\n- \"stop\": stop the daily check-in messages\n- \"delete my data\": erase all your answers",
        FollowUpsStopped: "The check-in messages are stopped. Your answers so far are kept. Send \"start\" to begin again.",
        DeleteConfirm: "This erases all your answers and registration. Do you want to continue?",
        Deleted: "Your answers and registration have been erased. Thank you for using this service.",
        DeleteCancelled: "Nothing was deleted.",
        Abandoned: "I could not read your answer, so I stopped the questions. Send \"restart\" to begin again.",
        QuestionnaireUpdated: "The questions have been updated. Sorry, please answer again from the beginning.",
        WelcomeBack: "Welcome back. Let us continue where you left off.",
        SummaryTitle: "Your answers",
        FollowUpPrompt: "This is your health check. How are you feeling now?",
        FollowUpReminder: "We have not yet had your answer to today's health check. Please answer with the button below.",
        AnswerButton: "Answer");

    public static EngineTexts For(string? locale) => Dialogs.Prompts.PromptTexts.IsEnglish(locale) ? English : Japanese;
}
