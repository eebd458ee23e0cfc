using System.Text;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.IntegrationTests;

/// <summary>Turns of one conversation sent at once: each is applied exactly once, in some order, and none is lost.</summary>
public sealed class ConcurrentTurnsTests
{
    /// <summary>A questionnaire of 50 free-text questions: each answer must land on its own question.</summary>
    private static string FiftyQuestions(TempFolder folder)
    {
        var yaml = new StringBuilder("id: fifty\nversion: \"1\"\ntitle: 50問\nconsent: {version: \"1\", text: 同意しますか}\nquestions:\n");
        for (var i = 1; i <= 50; i++) yaml.Append($"  - {{id: q{i}, type: text, text: 質問{i}}}\n");
        File.WriteAllText(Path.Combine(folder.Path, "fifty.yaml"), yaml.ToString());
        return folder.Path;
    }

    [Theory]
    [InlineData("postgres", 1)]
    [InlineData("postgres", 2)]
    [InlineData("sqlite", 1)]
    public async Task FiftyParallelTurns_OnOneConversation_LeaveOneConsistentStateAndNoLostAnswer(string provider, int hosts)
    {
        using var folder = new TempFolder();
        var dialogs = FiftyQuestions(folder);
        await using var database = await TestDatabase.CreateAsync(provider);
        var servers = Enumerable.Range(0, hosts).Select(_ => new WebHost(database, dialogs, "fifty")).ToList();
        try
        {
            var clients = servers.Select(s => s.CreateClient()).ToList();
            await WebHost.SayAsync(clients[0], "開始");
            await WebHost.SayAsync(clients[0], "同意する");

            // 50 answers at once, spread over the hosts (two hosts = two processes racing on the same rows).
            await Task.WhenAll(Enumerable.Range(1, 50).Select(i => WebHost.SayAsync(clients[i % hosts], $"answer-{i}")));

            await using var db = database.Open();
            var response = await db.Responses.AsNoTracking().SingleAsync();
            Assert.Equal("completed", response.Status);
            var answers = await db.Answers.AsNoTracking().Where(a => a.ResponseId == response.Id).ToListAsync();
            Assert.Equal(50, answers.Count);
            Assert.Equal(Enumerable.Range(1, 50).Select(i => $"q{i}").Order(), answers.Select(a => a.QuestionId).Order());
            Assert.Equal(Enumerable.Range(1, 50).Select(i => $"answer-{i}").Order(), answers.Select(a => a.ValueText!).Order());
            var state = await db.StateDocuments.AsNoTracking().SingleAsync(d => d.Key.Contains("/conversations/"));
            Assert.Equal(52, state.Version); // version 1 from 開始, 2 from 同意する, then exactly one write per answer
        }
        finally
        {
            foreach (var s in servers) await s.DisposeAsync();
        }
    }
}

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("chatsupport-dialogs-").FullName;
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
