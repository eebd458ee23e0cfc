using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Residents;

namespace ChatSupport.Tests.Impact;

/// <summary>
/// A small questionnaire in two versions and seeded responses as version 1 stored them, for the impact report's tests
/// and benchmark. Version 2 lowers the fever cutoff (37.5 → 38.0) and the emergency threshold (40 → 39.5), removes an
/// advice rule (elderly), makes an optional question required (age) and asks a question more often (breath).
/// </summary>
public static class ImpactData
{
    public const string QuestionnaireId = "impact-check";
    /// <summary>The questionnaire of the residents' earlier responses (their history; never replayed).</summary>
    public const string IntakeId = "impact-intake";
    public static readonly DateOnly FirstDay = new(2026, 11, 1);

    public const string V1 = """
        id: impact-check
        version: "1"
        title: 体温チェック
        consent: {version: "1", text: 同意しますか}
        questions:
          - {id: temperature, type: decimal, min: 34, max: 42, text: 体温は？}
          - {id: cough, type: yes_no, text: せきは？}
          - {id: breath, type: yes_no, when: cough, text: 息苦しさは？}
          - {id: age, type: integer, min: 0, max: 120, required: false, text: 年齢は？}
        computed:
          - {id: fever, value: "temperature >= 37.5"}
          - {id: fever_before, value: "coalesce(previous(fever), false)"}
        emergencies:
          - {category: emergency-high-fever, when: "temperature >= 40", message: すぐに119番へ}
        advice:
          - group: main
            match: first
            rules:
              - {category: consult, when: "fever and age >= 65", message: 相談して}
              - {category: watch, when: "fever or cough", message: 様子を見て}
              - {category: well, message: 大丈夫}
          - group: info
            match: all
            rules:
              - {category: elderly, when: "age >= 65", message: 高齢の方へ}
              - {category: breath-info, when: breath, message: 息苦しさ}
        escalations:
          - {category: high-fever, when: "temperature >= 39"}
          - {category: fever-again, when: "fever and fever_before"}
        follow_up:
          rules:
            - {name: daily, when: fever, every_days: 1}
            - {name: weekly, every_days: 7}
        """;

    public static string V2 => V1
        .Replace("version: \"1\"", "version: \"2\"", StringComparison.Ordinal)
        .Replace("temperature >= 37.5", "temperature >= 38.0", StringComparison.Ordinal)
        .Replace("temperature >= 40", "temperature >= 39.5", StringComparison.Ordinal)
        .Replace("      - {category: elderly, when: \"age >= 65\", message: 高齢の方へ}\n", "", StringComparison.Ordinal)
        .Replace("max: 120, required: false,", "max: 120,", StringComparison.Ordinal)
        .Replace("when: cough, text", "when: cough or fever, text", StringComparison.Ordinal);

    /// <summary>A response as version 1 stored it: answers in order, stopping at the emergency; earlier responses with their fever.</summary>
    public sealed record Generated(string ResidentId, StoredResponse Stored, decimal Temperature, bool Cough, bool? Breath, int? Age, bool? FeverBefore);

    public static IEnumerable<Generated> Generate(int count, int seed, int days = 30)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var day = FirstDay.AddDays(random.Next(days));
            var temperature = 35.5m + random.Next(56) / 10m; // 35.5 … 41.0
            var cough = random.Next(3) == 0;
            bool? breath = cough ? random.Next(4) == 0 : null;
            int? age = random.Next(10) < 7 ? random.Next(5, 96) : null;
            var history = new List<HistoryRecord>();
            bool? feverBefore = null;
            for (var h = random.Next(4); h > 0; h--)
            {
                // Newest first; some earlier responses are of another questionnaire and have no fever.
                var values = new Dictionary<string, object?>();
                if (random.Next(4) > 0)
                {
                    var earlier = random.Next(2) == 0;
                    values["fever"] = earlier;
                    feverBefore ??= earlier;
                }
                var at = day.AddDays(-history.Count - 1);
                history.Add(new HistoryRecord(IntakeId, at, new DateTimeOffset(at.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(9)), values));
            }
            var stored = new Dictionary<string, object?> { ["temperature"] = temperature };
            if (temperature < 40m)
            {
                stored["cough"] = cough;
                if (cough) stored["breath"] = breath;
                stored["age"] = age is { } a ? (decimal)a : null;
            }
            stored["fever"] = temperature >= 37.5m; // computed values are stored too; a replay computes them again
            yield return new Generated($"p{seed}-{i}", new StoredResponse($"r{seed}-{i}", day, stored, history), temperature, cough, breath, age, feverBefore);
        }
    }


    /// <summary>A version loaded as the catalog loads files (from a folder of its own, removed afterwards).</summary>
    public static QuestionnaireDefinition Definition(string yaml)
    {
        var folder = Path.Combine(Path.GetTempPath(), "chatsupport-impact-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, QuestionnaireId + ".yaml"), yaml);
            return QuestionnaireCatalog.Load(folder).Get(QuestionnaireId);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
