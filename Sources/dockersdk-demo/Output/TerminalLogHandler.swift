import Foundation
import Logging

/// A swift-log handler writing one line per message to stderr through `Terminal` (so a closed stderr ends the
/// demo as quietly as a closed stdout): `debug dockersdk: docker request http.request.method=GET ...`.
struct TerminalLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        Terminal.errorLine("\(event.level) \(label): \(event.message)" + (rendered.isEmpty ? "" : " \(rendered)"))
    }
}
