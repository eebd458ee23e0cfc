using System.Security.Cryptography;
using System.Text;
using ChatSupport.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.Questionnaires.Loading;

/// <summary>
/// The consent step: written in the questionnaire, or <c>consent: {use: city}</c> for the text kept once in
/// <c>consent/city.yaml</c> beside the questionnaires (a tenant's or a shared consent). A shared consent need not have
/// a version to forget to change: without one, its version is a fingerprint of its text, so editing the text asks every
/// resident again, whichever questionnaire they come through. A written <c>version</c> is kept as written, so residents
/// who accepted a text under that version (before the text was shared, say) are not asked again for the same words.
/// </summary>
internal sealed class ConsentReader(YamlField root, LoadContext context, string baseDirectory)
{
    public const string Folder = "consent";
    private static readonly string[] SharedFields = ["id", "version", "text", "accept", "decline", "declined"];

    public ConsentStep? Read(string questionnaireId)
    {
        if (root.Required("consent", "a consent step (version, text): residents must accept it before any answer is kept. For a consent shared with other questionnaires, write {use: name} (the text in consent/name.yaml)") is not { } f
            || !f.IsMapping("a consent step")) return null;
        if (f.Get("use") is { } use) return ReadShared(f, use);
        f.AllowOnly("id", "version", "text", "accept", "decline", "declined", "use");
        var version = f.String("version", true, "the version of the consent text; residents are asked again when it changes");
        var text = f.Text("text", true);
        if (version is null || text is null) return null;
        return Build(f, f.String("id") ?? questionnaireId, version, text);
    }

    private ConsentStep? ReadShared(YamlField f, YamlField use)
    {
        if (use.Scalar() is not { } name) return null;
        foreach (var key in ((YamlMappingNode)f.Node).Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").Where(k => k != "use"))
            f.Get(key)?.Error($"with 'use', the consent comes from {Folder}/{name}.yaml; write its {key} there, not here.");
        if (!QuestionnaireReader.KebabCase().IsMatch(name))
        {
            use.Error($"'{name}' is not a consent name: write the name of a file in the {Folder}/ folder without '.yaml' (lower-case letters, digits and '-'), e.g. city for {Folder}/city.yaml.");
            return null;
        }
        var folder = Path.Combine(baseDirectory, Folder);
        var path = Path.Combine(folder, name + ".yaml");
        if (!File.Exists(path))
        {
            var known = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList() : [];
            use.Error($"no shared consent '{name}': there is no file {Folder}/{name}.yaml beside this questionnaire.{NameSuggestion.Hint(name, known)}"
                + (known.Count > 0 ? $" Shared consents there: {string.Join(", ", known)}." : ""));
            return null;
        }

        var shared = new LoadContext(Path.Combine(Path.GetDirectoryName(context.File) ?? "", Folder, name + ".yaml")) { Path = path };
        try
        {
            return ReadSharedFile(shared, name, use);
        }
        finally
        {
            context.Errors.AddRange(shared.Errors);
        }
    }

    private ConsentStep? ReadSharedFile(LoadContext shared, string name, YamlField use)
    {
        if (Parse(shared) is not { } file || !file.IsMapping("a consent (text, and optionally id, accept, decline, declined)")) return null;
        file.AllowOnly(SharedFields);
        var written = file.String("version");
        if (written is { Length: > 32 }) file.Get("version")!.Error("is longer than 32 characters (it is kept with each resident's consent).");
        // The file's own languages are those of its text; each questionnaire that uses it needs its languages there.
        shared.Locales = file.Get("text")?.Node is YamlMappingNode m ? [.. m.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "")] : [context.DefaultLocale];
        shared.DefaultLocale = shared.Locales.Contains(context.DefaultLocale) ? context.DefaultLocale : shared.Locales[0];
        var text = file.Text("text", true);
        if (text is null || shared.Errors.Count > 0) return null;
        if (context.Locales.FirstOrDefault(l => !shared.Locales.Contains(l)) is { } missing)
        {
            use.Error($"{Folder}/{name}.yaml has no {missing} text, and this questionnaire is in {string.Join(", ", context.Locales)}: add '{missing}: …' to its text there.");
            return null;
        }
        return Build(file, file.String("id") ?? name, written ?? Fingerprint(text), text);
    }

    /// <summary>The version of a shared consent: the same text gives the same version on every server, a changed text a new one.</summary>
    private static string Fingerprint(LocalizedText text)
    {
        var canonical = string.Join("\n\n", text.ByLocale.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}\n{t.Value}"));
        return "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }

    private ConsentStep Build(YamlField f, string key, string version, LocalizedText text)
    {
        var accept = f.Text("accept") ?? LocalizedText.Of("同意する", "I agree");
        var decline = f.Text("decline") ?? LocalizedText.Of("同意しない", "I do not agree");
        foreach (var locale in context.Locales)
        {
            foreach (var (field, label) in new[] { ("accept", accept.Get(locale)), ("decline", decline.Get(locale)) })
            {
                var at = f.Get(field) ?? f;
                if (label.Length > RuleReader.MaxButtonLabel) at.Error($"the {locale} button label '{label}' has {label.Length} characters; LINE allows {RuleReader.MaxButtonLabel}.");
                if (ButtonWords.IsReserved(label)) at.Error($"'{label}' is a word residents use as a command; a button cannot be it.");
            }
            if (Dialogs.Prompts.InputText.Normalize(accept.Get(locale)) == Dialogs.Prompts.InputText.Normalize(decline.Get(locale)))
                f.Error($"the {locale} accept and decline buttons read the same ('{accept.Get(locale)}').");
        }
        var declined = f.Text("declined") ?? LocalizedText.Of(
            "承知しました。回答は保存していません。いつでも「開始」と送っていただければ、改めてご案内します。",
            "Understood. Nothing has been saved. Send \"start\" whenever you would like to begin.");
        return new ConsentStep(key, version, Only(text), Only(accept), Only(decline), Only(declined));
    }

    /// <summary>A shared consent may have more languages than the questionnaire; it keeps only the questionnaire's.</summary>
    private LocalizedText Only(LocalizedText text) =>
        text.ByLocale.Keys.All(context.Locales.Contains) ? text
        : new LocalizedText(text.ByLocale.Where(t => context.Locales.Contains(t.Key)).ToDictionary(t => t.Key, t => t.Value));

    private static YamlField? Parse(LoadContext file)
    {
        try
        {
            using var reader = new StreamReader(file.Path, QuestionnaireReader.StrictUtf8);
            var stream = new YamlStream();
            stream.Load(reader);
            if (stream.Documents.Count > 0) return new YamlField(stream.Documents[0].RootNode, "", file);
            file.Error(new Mark(0, 1, 1), "(file)", "the file is empty.");
        }
        catch (YamlException e)
        {
            file.Errors.Add(QuestionnaireReader.SyntaxError(file.Path, file.File, e));
        }
        catch (DecoderFallbackException)
        {
            file.Error(new Mark(0, 1, 1), "(file)", "the file is not UTF-8. Save it as UTF-8 (in Excel or Notepad: \"UTF-8\"; Shift_JIS is not read).");
        }
        catch (InvalidOperationException)
        {
            file.Error(new Mark(0, 1, 1), "(syntax)", "this is not valid YAML (check brackets, quotes and indentation).");
        }
        return null;
    }
}
