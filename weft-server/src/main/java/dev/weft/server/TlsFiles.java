package dev.weft.server;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key read from PEM files with JDK APIs only, held in an
 * in-memory PKCS#12 key store for the HTTPS connector. Every failure is an {@link
 * IllegalArgumentException} of one line naming the file and what to do about it. Immutable.
 *
 * @param keyStore the key store with one entry, {@link #ALIAS}
 * @param password the key store's and the entry's password (random, never written anywhere)
 */
record TlsFiles(KeyStore keyStore, String password) {
  static final String ALIAS = "weft";
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out key-pkcs8.pem";

  /**
   * Reads {@code chainPem} (one or more {@code CERTIFICATE} blocks, the server's first) and
   * {@code keyPem} (a {@code PRIVATE KEY} block: unencrypted PKCS#8, RSA or EC), checks that the
   * key belongs to the first certificate, and builds the key store.
   *
   * @throws IllegalArgumentException if a file is missing, unreadable, not PEM, holds another
   *     kind of key, or the key does not match the certificate
   */
  static TlsFiles load(Path chainPem, Path keyPem) {
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
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      String password = Base64.getEncoder().encodeToString(random);
      store.setKeyEntry(ALIAS, key, password.toCharArray(), chain.toArray(Certificate[]::new));
      return new TlsFiles(store, password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot hold the TLS key of " + keyPem + " in a key store: " + e.getMessage(), e);
    }
  }

  /**
   * The certificates of a PEM file, in order.
   *
   * @throws IllegalArgumentException if the file is missing, unreadable or holds no certificate
   */
  static List<Certificate> certificates(Path pem) {
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
        case "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
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
