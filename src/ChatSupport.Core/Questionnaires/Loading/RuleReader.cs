using ChatSupport.Advice;
using ChatSupport.Expressions;
using ChatSupport.FollowUps;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.Questionnaires.Loading;

/// <summary>
/// The second half of reading a questionnaire: consent, areas, computed values and every rule, with their
/// expressions compiled and type-checked against the questions; and the LINE limits of each question's buttons.
/// </summary>
internal sealed class RuleReader(YamlField root, LoadContext context, List<Question> questions)
{
    /// <summary>LINE: at most 13 quick reply items, each label at most 20 characters.</summary>
    public const int MaxButtons = 13;
    public const int MaxButtonLabel = 20;

    private readonly Dictionary<string, Question> _byId = questions.GroupBy(q => q.Id).ToDictionary(g => g.Key, g => g.First());
    private AreaTable? _areas;

    public QuestionnaireDefinition Read(string id, string version, LocalizedText? title, string sourcePath)
    {
        _areas = ReadAreas(sourcePath);
        var symbols = new SymbolTable();
        foreach (var q in questions.Where(q => q.HasAnswer))
            symbols.Add(new Symbol(q.Id, q.ValueType)
            {
                IsAnswer = true,
                OptionNumbers = q.Options.Any(o => o.Number is not null) ? q.Options.Where(o => o.Number is not null).ToDictionary(o => o.Id, o => o.Number!.Value) : null,
            });
        foreach (var column in _areas?.Columns ?? []) symbols.Add(new Symbol("area." + column, ExprType.Text));

        var computed = ReadComputed(symbols);
        var finalQuestions = questions.Select((q, i) => WithWhen(q, i, symbols, computed)).ToList();
        CheckLineLimits(finalQuestions);

        return new QuestionnaireDefinition
        {
            Id = id,
            Version = version,
            Title = title ?? LocalizedText.Of(id, id),
            DefaultLocale = context.DefaultLocale,
            Locales = context.Locales,
            Consent = new ConsentReader(root, context, BaseDirectory(sourcePath)).Read(id),
            Intro = root.Text("intro"),
            Questions = finalQuestions,
            Computed = computed,
            Emergencies = [.. root.Items("emergencies").Select(e => ReadEmergency(e, symbols)).OfType<EmergencyRule>()],
            Advice = [.. root.Items("advice").Select(g => ReadAdviceGroup(g, symbols)).OfType<AdviceGroup>()],
            Escalations = [.. root.Items("escalations").Select(e => ReadEscalation(e, symbols)).OfType<EscalationRule>()],
            FollowUp = ReadFollowUp(symbols, id),
            Areas = _areas,
            Reports = ReadReports(symbols),
            Closing = root.Text("closing"),
            SourcePath = sourcePath,
            Symbols = symbols,
        };
    }

    /// <summary>Side files (area tables, shared consents) are found relative to the questionnaire's folder.</summary>
    private static string BaseDirectory(string sourcePath) => Path.GetDirectoryName(Path.GetFullPath(sourcePath))!;

    private AreaTable? ReadAreas(string sourcePath)
    {
        if (root.Get("areas") is not { } f || !f.IsMapping("an area table")) return null;
        f.AllowOnly("table", "key");
        var table = f.String("table", true, "the CSV file, relative to this questionnaire, e.g. areas/covid19-consultation.csv");
        var key = f.String("key", true, "the id of the postal_code question (or single-choice area question) that selects the row");
        if (table is null || key is null) return null;
        if (!_byId.TryGetValue(key, out var q) || q.Type is not (QuestionType.PostalCode or QuestionType.Single))
        {
            f.Get("key")!.Error($"'{key}' is not a postal_code or single-choice question of this questionnaire.");
            return null;
        }
        var path = Path.Combine(BaseDirectory(sourcePath), table);
        try
        {
            var areas = AreaTable.Load(path, key, byPrefix: q.Type == QuestionType.PostalCode);
            if (!areas.ByPrefix)
                foreach (var missing in q.Options.Select(o => o.Id).Where(id => !areas.Keys.Contains(id)).Where(_ => !areas.Keys.Contains("*")))
                    f.Get("table")!.Error($"the table has no row for option '{missing}' of '{key}', and no default row (*).");
            return areas;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            f.Get("table")!.Error($"the table could not be read: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// What the daily figures read: which yes/no value marks a resident as having symptoms, and the questions whose
    /// latest answers (in any questionnaire: the resident's profile) give the area and the age.
    /// </summary>
    private ReportSettings ReadReports(SymbolTable symbols)
    {
        var defaults = ReportSettings.Default with { AreaQuestion = _areas is { ByPrefix: true } a ? a.KeyQuestion : ReportSettings.Default.AreaQuestion };
        if (root.Get("reports") is not { } f || !f.IsMapping("the report settings")) return defaults;
        f.AllowOnly("symptomatic", "area", "age");
        var symptomatic = f.String("symptomatic", false, "the yes/no answer or computed value that means the resident has symptoms");
        var symbol = symptomatic is null ? null : symbols.Find(symptomatic);
        if (symptomatic is not null && symbol is null)
            f.Get("symptomatic")!.Error($"'{symptomatic}' is not a question or computed value of this questionnaire.");
        else if (symbol is not null && symbol.Type != ExprType.Bool)
            f.Get("symptomatic")!.Error($"'{symptomatic}' is not a yes/no value (it is {symbol.Type}): the share of residents with symptoms needs one.");
        string Question(string key, string fallback)
        {
            var id = f.String(key) ?? fallback;
            if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z][a-z0-9_]*$"))
                f.Get(key)!.Error($"'{id}' is not a question id (snake_case).");
            return id;
        }
        return new ReportSettings(symptomatic, Question("area", defaults.AreaQuestion), Question("age", defaults.AgeQuestion));
    }

    private List<ComputedValue> ReadComputed(SymbolTable symbols)
    {
        var result = new List<ComputedValue>();
        QuestionnaireReader.CheckUnique(root, "computed", "computed value");
        foreach (var c in root.Items("computed"))
        {
            if (!c.IsMapping("a computed value")) continue;
            c.AllowOnly("id", "value");
            var id = c.String("id", true, "the name of the value, in snake_case");
            if (id is null) continue;
            if (_byId.ContainsKey(id)) { c.Get("id")!.Error($"'{id}' is already a question id."); continue; }
            if (c.Required("value", "an expression, e.g. age >= 65") is not { } valueField) continue;
            // A value may read its own earlier value through previous(), but not itself directly.
            var self = new Symbol(id, ExprType.Null);
            symbols.Add(self);
            var compiled = Compile(valueField, symbols, null, self: id);
            if (compiled is null) continue;
            symbols.Add(new Symbol(id, compiled.Type));
            result.Add(new ComputedValue(id, compiled));
        }
        return result;
    }

    /// <summary>A question's condition reads the answers given before it, and computed values.</summary>
    private Question WithWhen(Question q, int index, SymbolTable symbols, IReadOnlyList<ComputedValue> computed)
    {
        if (root.Items("questions").ElementAtOrDefault(index) is not { } f || f.Get("when") is not { } when) return q;
        var earlier = new SymbolTable();
        foreach (var before in questions.Take(index).Where(b => b.HasAnswer)) earlier.Add(symbols.Find(before.Id)!);
        foreach (var c in computed) earlier.Add(symbols.Find(c.Id)!);
        foreach (var area in symbols.Names.Where(n => n.StartsWith("area.", StringComparison.Ordinal))) earlier.Add(symbols.Find(area)!);
        var compiled = Compile(when, earlier, ExprType.Bool);
        // A computed value used here must not rest on an answer given later: it would always be unknown at this point.
        var asked = questions.Take(index).Select(b => b.Id).ToHashSet();
        foreach (var c in computed.Where(c => compiled?.References.Contains(c.Id) == true))
            foreach (var later in QuestionsBehind(c, computed).Where(id => !asked.Contains(id)))
                when.Error($"'{c.Id}' uses the answer to '{later}', which is asked after this question, so this condition could never use it. Move the question, or compute what is needed from earlier answers.");
        return q with { When = compiled };
    }

    /// <summary>The questions a computed value reads, directly or through other computed values.</summary>
    private HashSet<string> QuestionsBehind(ComputedValue value, IReadOnlyList<ComputedValue> computed)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<ComputedValue>([value]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var c))
        {
            if (!seen.Add(c.Id)) continue;
            foreach (var name in c.Expression.References)
            {
                if (_byId.ContainsKey(name)) result.Add(name);
                else if (computed.FirstOrDefault(x => x.Id == name) is { } inner) pending.Push(inner);
            }
        }
        return result;
    }

    private static string? Category(YamlField rule, string what)
    {
        var category = rule.String("category", true, what);
        if (category is not null && !QuestionnaireReader.KebabCase().IsMatch(category))
            rule.Get("category")!.Error($"'{category}' is not allowed; write lower-case letters, digits and '-', e.g. consult or emergency-spo2 (reports use it as a key).");
        return category;
    }

    private EmergencyRule? ReadEmergency(YamlField e, SymbolTable symbols)
    {
        if (!e.IsMapping("an emergency rule")) return null;
        e.AllowOnly("category", "when", "message");
        var category = Category(e, "a category id kept with the response, e.g. emergency-spo2");
        var when = e.Required("when", "the condition, e.g. spo2 <= 93") is { } w ? Compile(w, symbols, ExprType.Bool) : null;
        var message = Template(e, "message", symbols, true);
        return category is null || when is null || message is null ? null : new EmergencyRule(category, when, message);
    }

    private EscalationRule? ReadEscalation(YamlField e, SymbolTable symbols)
    {
        if (!e.IsMapping("an escalation rule")) return null;
        e.AllowOnly("category", "when", "message");
        var category = Category(e, "a category id kept with the response, e.g. worsening");
        var when = e.Required("when", "the condition") is { } w ? Compile(w, symbols, ExprType.Bool) : null;
        return category is null || when is null ? null : new EscalationRule(category, when, Template(e, "message", symbols, false));
    }

    private AdviceGroup? ReadAdviceGroup(YamlField g, SymbolTable symbols)
    {
        if (!g.IsMapping("an advice group")) return null;
        g.AllowOnly("group", "match", "rules");
        var id = g.String("group", true, "the group's name, e.g. main");
        var match = g.OneOf("match", ["first", "all"], "first") == "all" ? AdviceMatch.All : AdviceMatch.First;
        var rules = new List<AdviceRule>();
        foreach (var r in g.Items("rules", true, "the ordered advice rules"))
        {
            if (!r.IsMapping("an advice rule")) continue;
            r.AllowOnly("category", "when", "message");
            var category = Category(r, "a category id kept with the response, e.g. consult");
            var when = r.Get("when") is { } w ? Compile(w, symbols, ExprType.Bool) : null;
            var message = Template(r, "message", symbols, true);
            if (category is not null && message is not null && (when is not null || r.Get("when") is null))
                rules.Add(new AdviceRule(category, when, message));
        }
        return id is null ? null : new AdviceGroup(id, match, rules);
    }

    private FollowUpPolicy? ReadFollowUp(SymbolTable symbols, string selfId)
    {
        if (root.Get("follow_up") is not { } f || !f.IsMapping("a follow-up policy")) return null;
        f.AllowOnly("at", "stop_when", "rules", "prompt", "if_no_answer", "observe");
        TimeOnly? at = null;
        if (f.String("at") is { } atText)
        {
            if (TimeOnly.TryParseExact(atText, "HH:mm", out var t)) at = t;
            else f.Get("at")!.Error($"'{atText}' is not a time; write HH:mm, e.g. 10:00.");
        }
        var stop = f.Get("stop_when") is { } s ? Compile(s, symbols, ExprType.Bool) : null;
        var rules = new List<FollowUpRule>();
        foreach (var r in f.Items("rules", true, "the follow-up rules (first match wins)"))
        {
            if (!r.IsMapping("a follow-up rule")) continue;
            r.AllowOnly("name", "when", "questionnaire", "every_days", "prompt", "if_no_answer");
            var name = r.String("name") ?? r.Path;
            var when = r.Get("when") is { } w ? Compile(w, symbols, ExprType.Bool) : null;
            var questionnaire = r.String("questionnaire") ?? selfId;
            var every = r.Int("every_days", 1, 365);
            if (every is null && r.Get("every_days") is null) r.Error("is missing 'every_days': how many days until the next follow-up (1 = daily).");
            if (every is { } days)
                rules.Add(new FollowUpRule(name, when, questionnaire, days) { Prompt = r.Text("prompt"), IfNoAnswer = ReadLadder(r) });
            context.FollowUpTargets.Add((questionnaire, r.Get("questionnaire") ?? r));
        }
        if (rules.Select(r => r.Name).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            f.Get("rules")!.Error($"two rules are named '{twice.Key}'; the schedule of a resident names its rule, so names must differ.");
        return new FollowUpPolicy(rules, stop, at)
        {
            Prompt = f.Text("prompt"), IfNoAnswer = ReadLadder(f) ?? NoAnswerLadder.Default, Observe = ReadObservation(f, symbols),
            Fingerprint = PolicyFingerprint.Of(f.Node),
        };
    }

    private ObservationPeriod? ReadObservation(YamlField policy, SymbolTable symbols)
    {
        if (policy.Get("observe") is not { } o || !o.IsMapping("an observation period")) return null;
        o.AllowOnly("from", "days");
        var from = o.Get("from") is { } f ? Compile(f, symbols, ExprType.Date) : null;
        var days = o.Int("days", 1, 366);
        if (days is null && o.Get("days") is null) o.Error("is missing 'days': how many days the observation lasts, counted from 'from'.");
        return days is { } d ? new ObservationPeriod(from, d) : null;
    }

    /// <summary><c>if_no_answer: {remind_after: [6h], alert_after: 9h}</c>: durations after the invitation; <c>remind_after: []</c> sends none.</summary>
    private static NoAnswerLadder? ReadLadder(YamlField parent)
    {
        if (parent.Get("if_no_answer") is not { } l || !l.IsMapping("what happens when a resident does not answer")) return null;
        l.AllowOnly("remind_after", "alert_after");
        var reminders = new List<TimeSpan>();
        if (l.Get("remind_after") is { } r)
        {
            if (r.Node is YamlDotNet.RepresentationModel.YamlSequenceNode)
            {
                foreach (var item in l.Items("remind_after"))
                    if (Duration(item) is { } d) reminders.Add(d);
            }
            else if (Duration(r) is { } one) reminders.Add(one);
        }
        else reminders.AddRange(NoAnswerLadder.Default.RemindAfter);
        var alert = l.Get("alert_after") is { } a ? Duration(a) : null;
        return new NoAnswerLadder(reminders, alert);
    }

    /// <summary>A delay such as <c>6h</c>, <c>90m</c> or <c>1h30m</c> (at most a day: the ladder belongs to the day's invitation).</summary>
    private static TimeSpan? Duration(YamlField f)
    {
        var text = f.Scalar();
        var m = text is null ? null : System.Text.RegularExpressions.Regex.Match(text, @"^(?:(\d+)h)?(?:(\d+)m)?$");
        if (m is { Success: true } && text!.Length > 0)
        {
            var span = TimeSpan.FromHours(m.Groups[1].Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0)
                + TimeSpan.FromMinutes(m.Groups[2].Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
            if (span > TimeSpan.Zero && span <= TimeSpan.FromHours(24)) return span;
        }
        f.Error($"'{text}' is not a delay; write e.g. 6h, 90m or 1h30m (more than zero, at most 24h).");
        return null;
    }

    private MessageTemplate? Template(YamlField parent, string key, SymbolTable symbols, bool required)
    {
        var text = parent.Text(key, required);
        if (text is null) return null;
        var field = parent.Get(key)!;
        return MessageTemplate.Compile(text, symbols, _byId, (locale, e) =>
        {
            var target = field.Get(locale) ?? field;
            context.Error(target.PositionOf(e.Position), target.Path, e.Message);
        });
    }

    private CompiledExpression? Compile(YamlField field, SymbolTable symbols, ExprType? expected, string? self = null)
    {
        if (field.Scalar() is not { } source) return null;
        try
        {
            symbols.Forbidden = self;
            return CompiledExpression.Compile(source, symbols, expected);
        }
        catch (ExpressionException e)
        {
            context.Error(field.PositionOf(e.Position), field.Path, $"{e.Message} (in: {source})");
            return null;
        }
        finally
        {
            symbols.Forbidden = null;
        }
    }

    /// <summary>Every word that selects an option must select only it, and must not be a command (停止, ヘルプ, スキップ …).</summary>
    private void CheckOptionWords(Question q, YamlField f)
    {
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = f.Items("options").ToList();
        foreach (var (o, i) in q.Options.Select((o, i) => (o, i)))
        {
            var at = i < items.Count ? items[i] : f;
            var words = context.Locales.Select(l => o.Label.Get(l)).Concat(context.Locales.Select(l => o.ButtonLabel(l))).Concat(o.Synonyms).Append(o.Id);
            foreach (var word in words.Distinct())
            {
                var key = Dialogs.Prompts.InputText.Normalize(word);
                if (ButtonWords.IsReserved(word))
                    at.Error($"'{word}' is a word residents use as a command or button ({ButtonWords.Describe(word)}); an option cannot be it.");
                else if (owner.TryGetValue(key, out var other) && other != o.Id)
                    at.Error($"'{word}' would choose both '{other}' and '{o.Id}'; labels, short labels and synonyms must differ.");
                else owner[key] = o.Id;
            }
        }
    }

    private void CheckLineLimits(List<Question> qs)
    {
        var items = root.Items("questions").ToList();
        for (var i = 0; i < qs.Count; i++)
        {
            var q = qs[i];
            if (!q.IsChoice || i >= items.Count) continue;
            var f = items[i];
            CheckOptionWords(q, f);
            var extra = (q.Type == QuestionType.Multiple ? 1 : 0) + (q.Required ? 0 : 1) + (q.Profile ? 1 : 0);
            var problems = new List<string>();
            if (q.Options.Count + extra > MaxButtons)
                problems.Add($"it needs {q.Options.Count + extra} buttons ({q.Options.Count} options{(extra > 0 ? $" + {extra} for done/skip/same-as-before" : "")}), and LINE quick replies allow {MaxButtons}");
            foreach (var locale in context.Locales)
                foreach (var o in q.Options.Where(o => o.ButtonLabel(locale).Length > MaxButtonLabel))
                    problems.Add($"the {locale} label of option '{o.Id}' has {o.ButtonLabel(locale).Length} characters, and button labels allow {MaxButtonLabel} (give a 'short' label)");
            if (problems.Count == 0) continue;
            if (f.Get("render")?.Scalar() == "buttons")
                f.Get("render")!.Error($"these choices do not fit in buttons: {string.Join("; ", problems)}. Use render: list, or shorten them.");
            else
                qs[i] = q with { Rendering = ChoiceRendering.List };
        }
    }
}
