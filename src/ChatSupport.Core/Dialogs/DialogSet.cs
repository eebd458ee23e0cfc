using System.Text.Json.Nodes;
using ChatSupport.Bots;
using ChatSupport.State;

namespace ChatSupport.Dialogs;

/// <summary>The dialogs a bot (or a component) can start, and the state property their stack is kept in.</summary>
public sealed class DialogSet(IStatePropertyAccessor<JsonArray>? dialogState = null)
{
    private readonly Dictionary<string, Dialog> _dialogs = new(StringComparer.Ordinal);

    public DialogSet Add(Dialog dialog)
    {
        if (!_dialogs.TryAdd(dialog.Id, dialog))
            throw new InvalidOperationException($"A dialog with id '{dialog.Id}' was already added.");
        return this;
    }

    /// <summary>Puts <paramref name="dialog"/> in place of the one with its id (a conversation pinned to an earlier version of it).</summary>
    public DialogSet Replace(Dialog dialog)
    {
        _dialogs[dialog.Id] = dialog;
        return this;
    }

    public Dialog? Find(string dialogId) => _dialogs.GetValueOrDefault(dialogId);

    public IEnumerable<Dialog> Dialogs => _dialogs.Values;

    /// <summary>Loads the stack from state and returns the context to drive it with.</summary>
    public async Task<DialogContext> CreateContextAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        if (dialogState is null)
            throw new InvalidOperationException("This DialogSet has no state property; give one to the constructor.");
        var stack = await dialogState.GetAsync(turnContext, () => [], cancellationToken).ConfigureAwait(false);
        return new DialogContext(this, turnContext, new DialogState(stack!));
    }
}
