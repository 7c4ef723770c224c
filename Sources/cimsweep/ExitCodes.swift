import ArgumentParser

/// Every exit status cimsweep uses, decided here and nowhere else.
enum ExitCodes {
    /// Success: every host answered (collect), or the command did what was asked.
    static let success = ExitCode(0)
    /// `diff`: the snapshots differ (as diff(1) does).
    static let differences = ExitCode(1)
    /// A runtime error: a host, the network, the database or a file failed.
    static let failure = ExitCode(2)
    /// `collect`: some hosts or classes failed; the snapshot is marked partial.
    static let partial = ExitCode(3)
    /// `collect`: nothing was collected from any host.
    static let nothingCollected = ExitCode(4)
    /// Bad usage: flags or arguments (ArgumentParser's own code).
    static let usage = ExitCode(64)
    /// Another sweep holds the database lock.
    static let lockHeld = ExitCode(75)

    static let helpText = """
    EXIT STATUS
      0   success (collect: every host answered; diff: no changes)
      1   diff: changes found
      2   error (network, host, database, file)
      3   collect: partial sweep (some hosts or classes failed)
      4   collect: nothing collected
      64  usage error
      75  another sweep holds the database lock (collect without --wait)
    """
}
