namespace OrleansSafety.Persistence;

/// <summary>An append the chat journal could not make durable; the room must not acknowledge the message.</summary>
public sealed class ChatJournalException : Grains.Storage.StorageFaultException
{
    public ChatJournalException()
    {
    }

    public ChatJournalException(string message)
        : base(message)
    {
    }

    public ChatJournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
