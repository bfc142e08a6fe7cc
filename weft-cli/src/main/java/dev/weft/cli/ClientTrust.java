package dev.weft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Which server certificates the client commands trust, and what to say when one is not. Stateless. */
final class ClientTrust {
  private ClientTrust() {}

  /**
   * An SSL context trusting the system's CAs and the certificates in the PEM file {@code ca}.
   *
   * @throws CommandFailure (usage) if the file is missing, unreadable or holds no certificate
   */
  static SSLContext trusting(Path ca) {
    Collection<? extends Certificate> extra;
    try (InputStream in = Files.newInputStream(ca)) {
      extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw CommandFailure.usage("--tls-ca file " + ca + " does not exist; give the PEM certificate the server uses "
          + "(or its CA)");
    } catch (IOException | GeneralSecurityException e) {
      throw CommandFailure.usage("--tls-ca file " + ca + " is not a PEM certificate: " + oneLine(e.getMessage()));
    }
    if (extra.isEmpty()) {
      throw CommandFailure.usage("--tls-ca file " + ca + " holds no '-----BEGIN CERTIFICATE-----' block");
    }
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate system : systemTrust().getAcceptedIssuers()) {
        trust.setCertificateEntry("system-" + i++, system);
      }
      i = 0;
      for (Certificate c : extra) {
        trust.setCertificateEntry("tls-ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS trust with " + ca + ": " + e.getMessage(), e);
    }
  }

  /** One line for a failed TLS handshake with {@code server}, saying what to do. */
  static String describe(URI server, SSLHandshakeException e) {
    String why = oneLine(e.getMessage());
    if (why.contains("PKIX") || why.contains("certification path")) {
      return "the certificate of the Weft server at " + server + " is not trusted; pass --tls-ca FILE (or set "
          + "$WEFT_TLS_CA) with the server's PEM certificate or the CA that issued it";
    }
    if (why.contains("subject alternative") || why.contains("No name matching")) {
      return "the certificate of the Weft server at " + server + " does not name host '" + server.getHost() + "' ("
          + why + "); use a --server URL with a name the certificate holds, or a certificate with this name";
    }
    return "the TLS handshake with the Weft server at " + server + " failed: " + why;
  }

  private static X509TrustManager systemTrust() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager in this JDK");
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s+", " ").strip();
  }
}
