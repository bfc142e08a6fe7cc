package dev.weft.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS from PEM files, with JDK APIs only, for every Weft process that serves or calls over HTTPS:
 * the server, the command-line client, and remote workers and their callers. One place reads
 * certificates and keys, so that each says the same thing about a bad file.
 *
 * <p>Stateless and thread-safe. Every method reads its files when called (nothing is cached) and
 * blocks only on that. Every failure caused by a file is an {@link IllegalArgumentException} of one
 * line naming the file and what to do about it.
 */
public final class Tls {
  private Tls() {}

  /**
   * An SSL context (TLS) that presents the certificate chain in {@code chainPem} (one or more
   * {@code CERTIFICATE} blocks, the server's own first) with the key in {@code keyPem} (a
   * {@code PRIVATE KEY} block: unencrypted PKCS#8, RSA or EC; or a PKCS#1 {@code RSA PRIVATE KEY}
   * block). The key must belong to the first certificate.
   *
   * @throws IllegalArgumentException if a file is missing, unreadable, not PEM, holds another
   *     kind of key, or the key does not match the certificate
   */
  public static SSLContext serverContext(Path chainPem, Path keyPem) {
    Objects.requireNonNull(chainPem, "chainPem");
    Objects.requireNonNull(keyPem, "keyPem");
    List<Certificate> chain = certificates(chainPem);
    PrivateKey key = privateKey(keyPem);
    X509Certificate leaf = (X509Certificate) chain.get(0);
    if (!matches(key, leaf)) {
      throw new IllegalArgumentException("TLS key " + keyPem + " does not belong to the certificate in " + chainPem
          + " (" + leaf.getSubjectX500Principal().getName() + "); give the key the certificate was made for");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      byte[] random = new byte[18]; // the store lives in memory only, for the key manager
      new SecureRandom().nextBytes(random);
      char[] password = Base64.getEncoder().encodeToString(random).toCharArray();
      store.setKeyEntry("weft", key, password, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot serve TLS with the key of " + keyPem + ": " + oneLine(e.getMessage()), e);
    }
  }

  /**
   * An SSL context (TLS) for clients: it trusts the JDK's certificate authorities and, if given,
   * the certificates in the PEM file {@code caPem} (a server's own self-signed certificate, or the
   * CA that issued it). Host names are verified by the client that uses it (the JDK's HTTP client
   * does; a raw socket must ask for it).
   *
   * @throws IllegalArgumentException if {@code caPem} is missing, unreadable or holds no certificate
   */
  public static SSLContext clientContext(Optional<Path> caPem) {
    Objects.requireNonNull(caPem, "caPem");
    List<Certificate> extra = caPem.map(Tls::trustedCertificates).orElse(List.of());
    try {
      if (extra.isEmpty()) {
        return SSLContext.getDefault();
      }
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
      throw new IllegalStateException("cannot set up TLS trust" + caPem.map(p -> " with " + p).orElse("") + ": "
          + oneLine(e.getMessage()), e);
    }
  }

  private static List<Certificate> trustedCertificates(Path ca) {
    try {
      return certificates(ca);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replace("TLS certificate", "TLS CA")
          .replace("give a PEM certificate chain, the server's certificate first",
              "give the PEM certificate the server uses (or its CA)"), e);
    }
  }

  /** The certificates of a PEM file, in order. @throws IllegalArgumentException if none can be read */
  private static List<Certificate> certificates(Path pem) {
    String text = read(pem, "TLS certificate");
    List<Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          certs.add(factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2), pem))));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("TLS certificate " + pem + " is not a valid X.509 certificate: "
          + oneLine(e.getMessage()), e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("TLS certificate " + pem + " holds no '-----BEGIN CERTIFICATE-----' block; "
          + "give a PEM certificate chain, the server's certificate first");
    }
    return certs;
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

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out key-pkcs8.pem";

  private static PrivateKey privateKey(Path pem) {
    String text = read(pem, "TLS key");
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String kind = m.group(1);
      switch (kind) {
        case "PRIVATE KEY" -> {
          byte[] der = decode(m.group(2), pem);
          for (String algorithm : List.of("RSA", "EC")) {
            try {
              return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
              // not this algorithm: try the next
            } catch (GeneralSecurityException e) {
              throw new IllegalArgumentException("cannot read TLS key " + pem + ": " + oneLine(e.getMessage()), e);
            }
          }
          throw new IllegalArgumentException("TLS key " + pem + " is not a readable RSA or EC key (damaged, or of another "
              + "algorithm); give the certificate's RSA or EC key in PKCS#8 PEM");
        }
        case "RSA PRIVATE KEY" -> {
          try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8OfRsa(decode(m.group(2), pem))));
          } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS key " + pem + " is not a readable RSA key (" + oneLine(e.getMessage())
                + "); convert it to PKCS#8 with: " + TO_PKCS8.replace("KEY.pem", pem.toString()), e);
          }
        }
        case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
            "TLS key " + pem + " is a '" + kind + "' block; convert it to unencrypted PKCS#8 ('BEGIN PRIVATE KEY') with: "
                + TO_PKCS8.replace("KEY.pem", pem.toString()));
        default -> {
          // a certificate or parameters next to the key: skip
        }
      }
    }
    throw new IllegalArgumentException("TLS key " + pem + " holds no '-----BEGIN PRIVATE KEY-----' block; "
        + "give the PEM private key of the certificate");
  }

  /**
   * Wraps a PKCS#1 RSA key in the PKCS#8 structure the JDK reads: SEQUENCE { INTEGER 0,
   * SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING pkcs1 }.
   */
  private static byte[] pkcs8OfRsa(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] rsaEncryption = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + rsaEncryption.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(rsaEncryption, 0, body, version.length, rsaEncryption.length);
    System.arraycopy(octets, 0, body, version.length + rsaEncryption.length, octets.length);
    return der(0x30, body);
  }

  /** A DER tag-length-value with a definite length. */
  private static byte[] der(int tag, byte[] value) {
    int n = value.length;
    byte[] length = n < 0x80 ? new byte[] {(byte) n}
        : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
        : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
        : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(value, 0, out, 1 + length.length, n);
    return out;
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> throw new IllegalArgumentException("unsupported TLS key algorithm " + key.getAlgorithm());
    };
    if (!cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    try {
      byte[] probe = "weft tls key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + oneLine(e.getMessage()), e);
    }
  }

  private static byte[] decode(String base64, Path file) {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not valid PEM (bad base64): " + e.getMessage(), e);
    }
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s+", " ").strip();
  }
}
